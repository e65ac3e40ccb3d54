using ExApps.Contracts;
using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Persistence;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Flow;

/// <summary>What follows a good heartbeat of an install or update (spec §5.2): the move to <c>initializing</c>
/// (announcing HeartbeatOk and InitStarted), then <c>POST /init</c>. The row is <c>initializing</c> before the ExApp
/// is called, so a progress report that arrives while the call is still open is already accepted.</summary>
public sealed class InitStep(
    IExAppClient exApp,
    OperationStore store,
    EnableStep enable,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    ILogger<InitStep> logger)
{
    public async Task AfterHeartbeatAsync(AppOperation row, CancellationToken ct)
    {
        var startedAt = clock.GetUtcNow();
        if (!await store.StartInitAsync(row, startedAt, startedAt + options.Value.InitTimeout,
                [new HeartbeatOk(row.OperationId, row.AppId, row.FailedTries), new InitStarted(row.OperationId, row.AppId)],
                ct))
        {
            logger.LogInformation("ExApp {AppId} operation {OperationId} moved on before init; not starting it",
                row.AppId, row.OperationId);
            return;
        }
        logger.LogInformation("ExApp {AppId} heartbeat ok after {FailedTries} failed tries; init starts",
            row.AppId, row.FailedTries);
        await CallInitAsync(row, ct);
    }

    /// <summary><c>POST /init</c> for a row in <c>initializing</c>; also what a restart redoes when the call was
    /// never answered (an ExApp restarts its init on a second call).</summary>
    public async Task CallInitAsync(AppOperation row, CancellationToken ct)
    {
        if (await store.FindAsync(row.AppId, ct) is not { State: OperationState.Initializing } current
            || current.OperationId != row.OperationId)
            return;

        var result = await exApp.InitAsync(current.ToTarget(), ct);
        switch (result.Outcome)
        {
            case InitOutcome.Started:
                await store.MarkInitCalledAsync(current, ct);
                logger.LogInformation("ExApp {AppId} accepted init; waiting for its progress reports", row.AppId);
                break;
            case InitOutcome.NoInitStep:
                // The ExApp may have reported 100 in the meantime; whoever claims enabling enables.
                if (!await store.TransitionAsync(current, OperationState.Initializing, OperationState.Enabling, null,
                        [new InitProgress(row.AppId, 100, "", clock.GetUtcNow())], ct))
                    break;
                logger.LogInformation("ExApp {AppId} has no init step; init is complete", row.AppId);
                await enable.RunAsync(current, ct);
                break;
            default:
                if (!await store.TransitionAsync(current, OperationState.Initializing, OperationState.Failed,
                        result.Error, [new InitFailed(row.OperationId, row.AppId, result.Error)], ct))
                    break;
                logger.LogWarning("ExApp {AppId} init failed: {Reason}", row.AppId, result.Error);
                break;
        }
    }
}
