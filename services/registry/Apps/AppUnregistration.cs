using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Persistence;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Apps;

/// <summary>app:unregister: asks the lifecycle to unregister the app (it replaces any operation in flight: disable
/// if enabled, remove the container, the data volume only with rm_data) and answers once the records are gone.
/// With force, a lifecycle that does not finish in time does not stop it: the registry deletes its records itself
/// and the lifecycle cleans up the container whenever it gets to the request.</summary>
public sealed class AppUnregistration(RegistryDb db, AppOperations operations, IOptions<RegistryOptions> options,
    ILogger<AppUnregistration> log)
{
    public async Task<IResult> UnregisterAsync(string appId, bool rmData, bool force, CancellationToken ct)
    {
        var (row, tx) = await operations.LockAsync(appId, ct);
        Guid operationId;
        await using (tx)
        {
            if (row is null) return AppEndpoints.NotFound(appId);
            var daemon = await db.FindDaemonAsync(row.DaemonName, ct);
            if (daemon is null)
            {
                // nothing to reach: only records are left
                await db.DeleteAppAsync(appId, null, ct);
                await tx.CommitAsync(ct);
                return TypedResults.Ok(new { message = $"ExApp {appId} successfully unregistered (its daemon was gone)." });
            }
            operationId = await operations.RequestAsync(row, tx, AppOperations.Unregister, id => new UnregisterApp
            {
                OperationId = id, RegistrationId = row.RegistrationId, App = operations.Spec(row, daemon),
                RemoveData = rmData, Force = force,
            }, ct);
        }

        var timeout = options.Value.UnregisterTimeout;
        var (after, outcome) = await operations.WaitForAsync(appId, operationId, timeout, ct);
        if (after is null || outcome?.Outcome == "removed")
        {
            var note = outcome?.Error is { Length: > 0 } n ? $" ({n})" : "";
            log.LogInformation("ExApp {AppId} unregistered (data removed: {RmData})", appId, rmData);
            return TypedResults.Ok(new { message = $"ExApp {appId} successfully unregistered.{note}" });
        }
        if (outcome is not null)
            return Problems.Of(502, "remove_failed", outcome.Error);
        if (!force)
            return Problems.Of(504, "lifecycle_timeout",
                $"ExApp {appId} was not reported unregistered within {timeout.TotalSeconds:0} s (is the lifecycle service running?); " +
                "the unregistration goes on in the background. Use --force to remove its records anyway.");
        await db.DeleteAppAsync(appId, after.RegistrationId, CancellationToken.None);
        log.LogWarning("ExApp {AppId} unregistered by force: the lifecycle did not confirm within {Timeout}", appId, timeout);
        return TypedResults.Ok(new
        {
            message = $"ExApp {appId} successfully unregistered (it was not confirmed disabled and removed, unregistered anyway).",
        });
    }
}
