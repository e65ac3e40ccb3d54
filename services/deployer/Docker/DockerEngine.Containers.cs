using System.Net;

namespace ExApps.Deployer.Docker;

public sealed partial class DockerEngine
{
    public async Task CreateVolumeAsync(string name, CancellationToken ct = default)
    {
        // The engine answers 201 with the existing volume when the name is taken: creating is idempotent.
        var operation = $"Volume {name} could not be created";
        using var response = await SendJsonAsync(HttpMethod.Post, await PathAsync("/volumes/create", ct),
            new { Name = name }, operation, ct);
        await EnsureSuccessAsync(response, operation, ct);
    }

    public async Task<bool> RemoveVolumeAsync(string name, CancellationToken ct = default)
    {
        var operation = $"Volume {name} could not be removed";
        using var response = await SendAsync(HttpMethod.Delete, await PathAsync($"/volumes/{Escape(name)}", ct),
            null, operation, _requestTimeout, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, operation, ct);
        return true;
    }

    public async Task<string> CreateContainerAsync(string name, ContainerCreateBody body, CancellationToken ct = default)
    {
        var operation = $"Container {name} could not be created from {body.Image}";
        using var response = await SendJsonAsync(HttpMethod.Post,
            await PathAsync($"/containers/create?name={Escape(name)}", ct), body, operation, ct);
        return (await ReadJsonAsync<CreatedResponse>(response, operation, ct)).Id;
    }

    public async Task StartContainerAsync(string name, CancellationToken ct = default)
    {
        // 304 (already running) counts as success.
        var operation = $"Container {name} could not be started";
        using var response = await SendAsync(HttpMethod.Post, await PathAsync($"/containers/{Escape(name)}/start", ct),
            null, operation, _requestTimeout, ct);
        await EnsureSuccessAsync(response, operation, ct);
    }

    public async Task<ContainerInfo?> InspectContainerAsync(string name, CancellationToken ct = default)
    {
        var operation = $"Container {name} could not be inspected";
        using var response = await SendAsync(HttpMethod.Get, await PathAsync($"/containers/{Escape(name)}/json", ct),
            null, operation, _requestTimeout, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return await ReadJsonAsync<ContainerInfo>(response, operation, ct);
    }

    public async Task<bool> StopContainerAsync(string name, TimeSpan? wait = null, CancellationToken ct = default)
    {
        var operation = $"Container {name} could not be stopped";
        var query = wait is { } w ? $"?t={(int)Math.Ceiling(w.TotalSeconds)}" : "";
        // The engine waits for the container before answering: allow for that on top of the usual timeout.
        var timeout = _requestTimeout + (wait ?? TimeSpan.FromSeconds(10));
        using var response = await SendAsync(HttpMethod.Post,
            await PathAsync($"/containers/{Escape(name)}/stop{query}", ct), null, operation, timeout, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, operation, ct);
        return true;
    }

    public async Task<bool> RemoveContainerAsync(string name, bool force, CancellationToken ct = default)
    {
        var operation = $"Container {name} could not be removed";
        using var response = await SendAsync(HttpMethod.Delete,
            await PathAsync($"/containers/{Escape(name)}?force={(force ? "true" : "false")}", ct),
            null, operation, _requestTimeout, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, operation, ct);
        return true;
    }

    public async Task<string> GetLogsAsync(string name, int tail, CancellationToken ct = default)
    {
        var operation = $"Logs of container {name} could not be read";
        // The frame format depends on whether the container has a TTY, which only the container knows.
        var container = await InspectContainerAsync(name, ct)
                        ?? throw new DockerEngineException($"{operation}: no such container.", DockerErrorKind.NotFound, 404);
        using var response = await SendAsync(HttpMethod.Get,
            await PathAsync($"/containers/{Escape(name)}/logs?stdout=true&stderr=true&tail={(tail > 0 ? tail.ToString() : "all")}", ct),
            null, operation, _requestTimeout, ct);
        await EnsureSuccessAsync(response, operation, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        return container.Config.Tty ? DockerLogFrames.Raw(bytes) : DockerLogFrames.Demultiplex(bytes);
    }
}
