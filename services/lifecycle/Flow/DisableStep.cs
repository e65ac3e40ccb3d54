using ExApps.Contracts;
using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Persistence;

namespace ExApps.Lifecycle.Flow;

/// <summary>Disables an app (spec §5.4): <c>PUT /enabled?enabled=0</c>, then stop the container when asked, then
/// <c>disabled</c> + <see cref="Disabled"/> whatever the ExApp answered (its error, or a failed stop, is recorded).
/// Both calls are idempotent, so a redelivered command simply runs it again.</summary>
public sealed class DisableStep(
    IExAppClient exApp,
    ContainerControl containers,
    OperationStore store,
    ILogger<DisableStep> logger)
{
    /// <summary>The <see cref="Disabled"/> announced, or null when the operation was replaced meanwhile.</summary>
    public async Task<Disabled?> RunAsync(AppOperation row, DisableApp command, CancellationToken ct)
    {
        var answer = await exApp.SetEnabledAsync(row.ToTarget(), false, ct);
        var error = answer.Error;
        if (command.StopContainer && ContainerControl.HasContainer(command.Daemon))
        {
            if (await containers.StopAsync(row.AppId, command.Daemon!, ct) is { } stopError)
                error = error.Length == 0 ? stopError : $"{error}; {stopError}";
        }

        var disabled = new Disabled(row.OperationId, row.AppId, error);
        if (!await store.TransitionAsync(row, OperationState.Disabling, OperationState.Disabled, error, [disabled], ct))
        {
            logger.LogInformation("ExApp {AppId} disable {OperationId} was replaced meanwhile; result dropped",
                row.AppId, row.OperationId);
            return null;
        }
        if (error.Length == 0)
            logger.LogInformation("ExApp {AppId} disabled (operation {OperationId})", row.AppId, row.OperationId);
        else
            logger.LogWarning("ExApp {AppId} disabled (operation {OperationId}) with an error: {Error}",
                row.AppId, row.OperationId, error);
        return disabled;
    }
}
