using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace ExApps.Deployer.Docker;

public sealed partial class DockerEngine
{
    public Task CreateVolumeAsync(string name, CancellationToken ct = default) =>
        // The engine answers 201 with the existing volume when the name is taken: creating is idempotent.
        CallAsync($"Volume {name} could not be created", _requestTimeout,
            (c, t) => c.Volumes.CreateAsync(new VolumesCreateParameters { Name = name }, t), ct);

    public Task<bool> RemoveVolumeAsync(string name, CancellationToken ct = default) =>
        OrWhenMissing(async () =>
        {
            await CallAsync($"Volume {name} could not be removed", _requestTimeout,
                (c, t) => c.Volumes.RemoveAsync(name, null, t), ct);
            return true;
        }, false);

    public async Task<string> CreateContainerAsync(string name, CreateContainerParameters body, CancellationToken ct = default)
    {
        body.Name = name;
        var created = await CallAsync($"Container {name} could not be created from {body.Image}", _requestTimeout,
            (c, t) => c.Containers.CreateContainerAsync(body, t), ct);
        return created.ID;
    }

    public Task StartContainerAsync(string name, CancellationToken ct = default) =>
        // "Already running" (304) counts as success.
        CallAsync($"Container {name} could not be started", _requestTimeout,
            (c, t) => c.Containers.StartContainerAsync(name, new ContainerStartParameters(), t), ct);

    public Task<ContainerInspectResponse?> InspectContainerAsync(string name, CancellationToken ct = default) =>
        OrWhenMissing<ContainerInspectResponse?>(() => CallAsync<ContainerInspectResponse?>(
            $"Container {name} could not be inspected", _requestTimeout,
            async (c, t) => await c.Containers.InspectContainerAsync(name, t), ct), null);

    public Task<bool> StopContainerAsync(string name, TimeSpan? wait = null, CancellationToken ct = default)
    {
        var parameters = new ContainerStopParameters
        {
            WaitBeforeKillSeconds = wait is { } w ? (uint)Math.Ceiling(w.TotalSeconds) : null,
        };
        // The engine waits for the container before answering: allow for that on top of the usual timeout.
        var timeout = _requestTimeout + (wait ?? TimeSpan.FromSeconds(10));
        return OrWhenMissing(async () =>
        {
            // false from the client means "was not running", which is still a stopped container.
            await CallAsync($"Container {name} could not be stopped", timeout,
                (c, t) => c.Containers.StopContainerAsync(name, parameters, t), ct);
            return true;
        }, false);
    }

    public Task<bool> RemoveContainerAsync(string name, bool force, CancellationToken ct = default) =>
        OrWhenMissing(async () =>
        {
            await CallAsync($"Container {name} could not be removed", _requestTimeout,
                (c, t) => c.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = force }, t), ct);
            return true;
        }, false);

    public async Task<string> GetLogsAsync(string name, int tail, CancellationToken ct = default)
    {
        var operation = $"Logs of container {name} could not be read";
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Tail = tail > 0 ? tail.ToString() : "all",
        };
        try
        {
            return await CallAsync(operation, _requestTimeout, async (c, t) =>
            {
                // The client inspects the container first: frames only exist when it has no TTY.
                using var stream = await c.Containers.GetContainerLogsAsync(name, parameters, t);
                return await ReadInterleavedAsync(stream, t);
            }, ct);
        }
        catch (DockerEngineException e) when (e.Kind == DockerErrorKind.NotFound)
        {
            throw new DockerEngineException($"{operation}: no such container.", DockerErrorKind.NotFound, 404, e);
        }
    }

    /// <summary>stdout and stderr in the order the engine sent them, decoded once at the end so that a multi-byte
    /// character split across two frames stays intact.</summary>
    public static async Task<string> ReadInterleavedAsync(MultiplexedStream stream, CancellationToken ct)
    {
        using var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
                if (read.EOF) break;
                all.Write(buffer, 0, read.Count);
            }
        }
        catch (EndOfStreamException)
        {
            // a truncated last frame (the container's output was cut off): show what arrived
        }
        return Encoding.UTF8.GetString(all.GetBuffer(), 0, (int)all.Length);
    }
}
