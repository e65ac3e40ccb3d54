using System.Threading.Channels;
using Docker.DotNet.Models;

namespace ExApps.Deployer.Docker;

public sealed partial class DockerEngine
{
    public async Task PullImageAsync(string fromImage, string tag, Func<JSONMessage, ValueTask> onMessage,
        CancellationToken ct = default)
    {
        var operation = $"Image {fromImage}:{tag} could not be pulled";
        // The client reports each line of the stream synchronously as it arrives; a channel hands them, in order,
        // to the (asynchronous) caller while the download goes on.
        var lines = Channel.CreateUnbounded<JSONMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        string? streamError = null;
        var progress = new SyncProgress<JSONMessage>(m =>
        {
            // A failure after the 200 (registry refused a layer, disk full) only shows up in the stream.
            if (m.Error?.Message is { Length: > 0 } error) streamError ??= error;
            else lines.Writer.TryWrite(m);
        });
        var forward = ForwardAsync(lines.Reader, onMessage, ct);
        try
        {
            // No timeout of ours: a pull lasts as long as the download; the caller's token ends it.
            await CallAsync(operation, Timeout.InfiniteTimeSpan, (c, t) => c.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = fromImage, Tag = tag }, null, progress, t), ct);
        }
        catch
        {
            lines.Writer.TryComplete();
            await forward.ContinueWith(_ => { }, TaskScheduler.Default); // the pull's own failure is the one to tell
            throw;
        }
        lines.Writer.TryComplete();
        await forward;
        if (streamError is not null)
            throw new DockerEngineException($"{operation}: {streamError}", DockerErrorKind.Engine);
    }

    private static async Task ForwardAsync(ChannelReader<JSONMessage> reader, Func<JSONMessage, ValueTask> onMessage,
        CancellationToken ct)
    {
        await foreach (var message in reader.ReadAllAsync(ct))
            await onMessage(message);
    }

    public Task<ImageInspectResponse?> InspectImageAsync(string reference, CancellationToken ct = default) =>
        OrWhenMissing<ImageInspectResponse?>(() => CallAsync<ImageInspectResponse?>(
            $"Image {reference} could not be inspected", _requestTimeout,
            async (c, t) => await c.Images.InspectImageAsync(reference, t), ct), null);

    public Task<bool> RemoveImageAsync(string reference, CancellationToken ct = default) =>
        // Never forced: an image another container or tag still needs is refused by the engine (409), not removed.
        OrWhenMissing(async () =>
        {
            await CallAsync($"Image {reference} could not be removed", _requestTimeout,
                (c, t) => c.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = false }, t), ct);
            return true;
        }, false);

    public async Task<IReadOnlyList<ContainerListResponse>> ListContainersUsingAsync(string image,
        CancellationToken ct = default)
    {
        // "ancestor" also matches containers of images built on top of this one: they need it as well.
        var parameters = new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["ancestor"] = new Dictionary<string, bool> { [image] = true } },
        };
        var list = await CallAsync($"Containers using image {image} could not be listed", _requestTimeout,
            (c, t) => c.Containers.ListContainersAsync(parameters, t), ct);
        return [.. list];
    }

    /// <summary>Calls back on the reporting thread, in order (<see cref="Progress{T}"/> would post to the thread
    /// pool, where messages can overtake each other).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
