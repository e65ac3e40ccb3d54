using ExApps.Contracts;
using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Persistence;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Flow;

/// <summary>What follows a good heartbeat (spec §5.2): HeartbeatOk, the move to <c>initializing</c>, InitStarted,
/// then <c>POST /init</c>. The row is <c>initializing</c> before the ExApp is called, so a progress report that
/// arrives while the call is still open is already accepted.</summary>
public sealed class InitStep(
    IExAppClient exApp,
    OperationStore store,
    EnableStep enable,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    ILogger<InitStep> logger)
{
    public async Task RunAsync(AppOperation row, int failedTries, IPublishEndpoint publisher, CancellationToken ct)
    {
        await publisher.Publish(new HeartbeatOk(row.OperationId, row.AppId, failedTries), ct);

        var startedAt = clock.GetUtcNow();
        if (!await store.StartInitAsync(row, startedAt, startedAt + options.Value.InitTimeout, ct))
        {
            logger.LogInformation("ExApp {AppId} operation {OperationId} moved on before init; not starting it",
                row.AppId, row.OperationId);
            return;
        }
        logger.LogInformation("ExApp {AppId} heartbeat ok after {FailedTries} failed tries; init starts",
            row.AppId, failedTries);
        await publisher.Publish(new InitStarted(row.OperationId, row.AppId), ct);

        var result = await exApp.InitAsync(row.ToTarget(), ct);
        switch (result.Outcome)
        {
            case InitOutcome.Started:
                logger.LogInformation("ExApp {AppId} accepted init; waiting for its progress reports", row.AppId);
                break;
            case InitOutcome.NoInitStep:
                // The ExApp may have reported 100 in the meantime; whoever claims enabling enables.
                if (!await store.TransitionAsync(row, OperationState.Initializing, OperationState.Enabling, ct))
                    break;
                logger.LogInformation("ExApp {AppId} has no init step; init is complete", row.AppId);
                await publisher.Publish(new InitProgress(row.AppId, 100, "", clock.GetUtcNow()), ct);
                await enable.RunAsync(row, publisher, ct);
                break;
            default:
                if (!await store.TransitionAsync(row, OperationState.Initializing, OperationState.Failed, ct,
                        result.Error))
                    break;
                logger.LogWarning("ExApp {AppId} init failed: {Reason}", row.AppId, result.Error);
                await publisher.Publish(new InitFailed(row.OperationId, row.AppId, result.Error), ct);
                break;
        }
    }
}
