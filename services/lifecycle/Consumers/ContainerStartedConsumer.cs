using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;
using ExApps.Lifecycle.Workers;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Consumers;

/// <summary>The ExApp runs after an install or update deploy: start its heartbeat (spec §5.1). A new deploy
/// replaces whatever the app was doing (the deployer has replaced its container); an operation id seen before (a
/// redelivery, or a late message of an operation already replaced) is ignored, so the flow never restarts or comes
/// back by accident.</summary>
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
        var row = NewOperation.Create(started.OperationId, started.AppId, started.Kind, started.Version,
            started.ExAppUrl, started.Secret, OperationState.Heartbeat,
            clock.GetUtcNow() + options.Value.HeartbeatTimeout);
        var begun = await store.BeginAsync(row, mayReplace: true, _ => [], context.CancellationToken);
        if (begun.Outcome != BeginOutcome.Started)
        {
            logger.LogInformation("Duplicate or late ContainerStarted for ExApp {AppId} operation {OperationId} ignored",
                started.AppId, started.OperationId);
            return;
        }
        logger.LogInformation("ExApp {AppId} started ({Kind} {Version}, operation {OperationId}); heartbeat begins",
            started.AppId, started.Kind, started.Version, started.OperationId);
        heartbeats.Wake();
    }
}
