using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ExApps.ServiceDefaults;

/// <summary>Says when a receive endpoint stops consuming because of a failure (broker away, channel closed) and
/// when it consumes again, once each: MassTransit reports every failed reconnect attempt as a fault, which would
/// flood the log during an outage, and its own messages about endpoints are debug-level.</summary>
public sealed class EndpointStateLog(ILogger<EndpointStateLog> logger) : IReceiveEndpointObserver
{
    private readonly ConcurrentDictionary<Uri, DateTimeOffset> _faultedSince = new();

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (_faultedSince.TryRemove(ready.InputAddress, out var since))
            logger.LogInformation("Consuming from {Queue} again after {Seconds:0.0} s", Queue(ready.InputAddress),
                (DateTimeOffset.UtcNow - since).TotalSeconds);
        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        if (_faultedSince.TryAdd(faulted.InputAddress, DateTimeOffset.UtcNow))
            logger.LogWarning("Stopped consuming from {Queue} ({Error}); reconnecting", Queue(faulted.InputAddress),
                faulted.Exception?.GetBaseException().Message);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    private static string Queue(Uri address) => address.AbsolutePath.TrimStart('/');
}
