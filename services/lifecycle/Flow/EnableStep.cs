using ExApps.Contracts;
using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Persistence;

namespace ExApps.Lifecycle.Flow;

/// <summary>Enables an app (spec §5.3): <c>PUT /enabled?enabled=1</c>, then <c>enabled</c> + <see cref="Enabled"/>
/// or <c>failed</c> + <see cref="EnableFailed"/>. Safe to repeat: the ExApp call is idempotent and the transition
/// happens once.</summary>
public sealed class EnableStep(IExAppClient exApp, OperationStore store, ILogger<EnableStep> logger)
{
    /// <summary>The heartbeat of an <c>enable</c> operation answered (an install or update inits first).</summary>
    public async Task AfterHeartbeatAsync(AppOperation row, CancellationToken ct)
    {
        if (!await store.TransitionAsync(row, OperationState.Heartbeat, OperationState.Enabling, null,
                [new HeartbeatOk(row.OperationId, row.AppId, row.FailedTries)], ct))
        {
            LogMovedOn(row);
            return;
        }
        logger.LogInformation("ExApp {AppId} heartbeat ok after {FailedTries} failed tries; enabling",
            row.AppId, row.FailedTries);
        await RunAsync(row, ct);
    }

    /// <summary>Runs the enable of a row the caller has moved (or found) in state <c>enabling</c>.</summary>
    public async Task RunAsync(AppOperation row, CancellationToken ct)
    {
        // Read again: the version may have been raised since the row was claimed (EX-APP-VERSION rule).
        if (await store.FindAsync(row.AppId, ct) is not { State: OperationState.Enabling } current
            || current.OperationId != row.OperationId)
        {
            LogMovedOn(row);
            return;
        }

        var result = await exApp.SetEnabledAsync(current.ToTarget(), true, ct);
        if (result.Ok)
        {
            if (!await store.TransitionAsync(current, OperationState.Enabling, OperationState.Enabled, null,
                    [new Enabled(row.OperationId, row.AppId)], ct))
            {
                LogMovedOn(row);
                return;
            }
            logger.LogInformation("ExApp {AppId} enabled (operation {OperationId})", row.AppId, row.OperationId);
            return;
        }

        if (!await store.TransitionAsync(current, OperationState.Enabling, OperationState.Failed, result.Error,
                [new EnableFailed(row.OperationId, row.AppId, result.Error)], ct))
        {
            LogMovedOn(row);
            return;
        }
        logger.LogWarning("ExApp {AppId} enable failed (operation {OperationId}): {Reason}",
            row.AppId, row.OperationId, result.Error);
    }

    private void LogMovedOn(AppOperation row) =>
        logger.LogInformation("ExApp {AppId} operation {OperationId} has moved on; enable result dropped",
            row.AppId, row.OperationId);
}
