using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;
using ExApps.Lifecycle.Workers;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Consumers;

/// <summary>The ExApp runs: start its heartbeat (spec §5.1). A new operation replaces the app's previous one; the
/// same operation again is a redelivery and is ignored, so the flow never restarts by accident.</summary>
public sealed class ContainerStartedConsumer(
    OperationStore store,
    HeartbeatSignal heartbeats,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    ILogger<ContainerStartedConsumer> logger) : IConsumer<ContainerStarted>
{
    public async Task Consume(ConsumeContext<ContainerStarted> context)
    {
        var started = context.Message;
        var deadline = clock.GetUtcNow() + options.Value.HeartbeatTimeout;
        if (!await store.StartHeartbeatAsync(started, deadline, context.CancellationToken))
        {
            logger.LogInformation("Duplicate ContainerStarted for ExApp {AppId} operation {OperationId} ignored",
                started.AppId, started.OperationId);
            return;
        }
        logger.LogInformation("ExApp {AppId} started ({Kind} {Version}, operation {OperationId}); heartbeat begins",
            started.AppId, started.Kind, started.Version, started.OperationId);
        heartbeats.Wake();
    }
}
