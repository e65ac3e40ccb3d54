using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;
using ExApps.Lifecycle.Workers;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Flow;

/// <summary>The first step of an enable (spec §5.3): the container runs and is healthy, then the heartbeat takes
/// over with a deadline of its own. Runs inside the EnableApp consumer: if this process dies meanwhile, the
/// unacknowledged command comes back and the start (idempotent at the engine) is simply asked again.</summary>
public sealed class ContainerStartStep(
    ContainerControl containers,
    OperationStore store,
    HeartbeatSignal heartbeats,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    ILogger<ContainerStartStep> logger)
{
    public async Task RunAsync(AppOperation row, DaemonTarget daemon, CancellationToken ct)
    {
        var error = await containers.StartAsync(row.AppId, daemon, ct);
        if (error is null)
        {
            var deadline = clock.GetUtcNow() + options.Value.HeartbeatTimeout;
            if (await store.StartHeartbeatAfterContainerAsync(row, deadline, ct))
            {
                logger.LogInformation("Container of ExApp {AppId} runs; heartbeat begins", row.AppId);
                heartbeats.Wake();
            }
            return;
        }

        if (await store.TransitionAsync(row, OperationState.Starting, OperationState.Failed, error,
                [new EnableFailed(row.OperationId, row.AppId, error)], ct))
            logger.LogWarning("ExApp {AppId} could not be enabled: {Reason}", row.AppId, error);
    }
}
