using ExApps.Contracts;
using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Persistence;
using MassTransit;

namespace ExApps.Lifecycle.Flow;

/// <summary>Enables an app whose row the caller has claimed in state <c>enabling</c> (spec §5.3):
/// <c>PUT /enabled?enabled=1</c>, then <c>enabled</c> + <see cref="Enabled"/> or <c>failed</c> +
/// <see cref="EnableFailed"/>. Safe to repeat: the ExApp call is idempotent and the transition happens once.</summary>
public sealed class EnableStep(IExAppClient exApp, OperationStore store, ILogger<EnableStep> logger)
{
    public async Task RunAsync(AppOperation row, IPublishEndpoint publisher, CancellationToken ct)
    {
        var result = await exApp.EnableAsync(row.ToTarget(), ct);
        if (result.Ok)
        {
            if (!await store.TransitionAsync(row, OperationState.Enabling, OperationState.Enabled, ct))
            {
                LogMovedOn(row);
                return;
            }
            logger.LogInformation("ExApp {AppId} enabled (operation {OperationId})", row.AppId, row.OperationId);
            await publisher.Publish(new Enabled(row.OperationId, row.AppId), ct);
            return;
        }

        if (!await store.TransitionAsync(row, OperationState.Enabling, OperationState.Failed, ct, result.Error))
        {
            LogMovedOn(row);
            return;
        }
        logger.LogWarning("ExApp {AppId} enable failed (operation {OperationId}): {Reason}",
            row.AppId, row.OperationId, result.Error);
        await publisher.Publish(new EnableFailed(row.OperationId, row.AppId, result.Error), ct);
    }

    private void LogMovedOn(AppOperation row) =>
        logger.LogInformation("ExApp {AppId} operation {OperationId} is no longer enabling; result dropped",
            row.AppId, row.OperationId);
}
