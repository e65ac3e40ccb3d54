using System.Threading.Channels;
using Docker.DotNet.Models;

namespace ExApps.Deployer.Docker;

public sealed partial class DockerEngine
{
    private static readonly Dictionary<string, IDictionary<string, bool>> ContainerEvents = new()
    {
        ["type"] = new Dictionary<string, bool> { ["container"] = true },
        ["event"] = new Dictionary<string, bool> { ["die"] = true, ["oom"] = true, ["start"] = true, ["destroy"] = true },
    };

    public async Task FollowContainerEventsAsync(Func<Message, Task> onEvent, CancellationToken ct)
    {
        var client = (await ClientAsync(ct)).Client;
        // The library reports events through IProgress; a channel keeps them in order and off its reading loop.
        var events = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true });
        var reading = Task.Run(async () =>
        {
            await foreach (var message in events.Reader.ReadAllAsync(ct)) await onEvent(message);
        }, ct);
        try
        {
            await client.System.MonitorEventsAsync(new ContainerEventsParameters { Filters = ContainerEvents },
                new ToChannel(events.Writer), ct);
        }
        catch (Exception e) when (Translate(e, "Following the engine's events", Timeout.InfiniteTimeSpan, ct) is { } translated)
        {
            throw translated;
        }
        finally
        {
            events.Writer.TryComplete();
            await reading.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        if (!ct.IsCancellationRequested)
            throw DockerErrors.Unreachable(Endpoint, "Following the engine's events", new IOException("the event stream ended"), null);
    }

    private sealed class ToChannel(ChannelWriter<Message> writer) : IProgress<Message>
    {
        public void Report(Message value) => writer.TryWrite(value);
    }
}
