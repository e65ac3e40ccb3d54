using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Apps;

/// <summary>app:unregister (spec §2.2): disable if enabled (bounded wait), remove the container (and the data
/// volume only with rm_data), then every record. With force, a failed step does not stop the unregistration.
/// It takes over any running operation, so late events of an install being abandoned change nothing.</summary>
public sealed class AppUnregistration(RegistryDb db, AppOperations operations, SecretProtector protector,
    IRequestClient<RemoveContainer> remover, IPublishEndpoint publish, IOptions<RegistryOptions> options,
    ILogger<AppUnregistration> log)
{
    public async Task<IResult> UnregisterAsync(string appId, bool rmData, bool force, CancellationToken ct)
    {
        var (row, tx) = await operations.LockAsync(appId, ct);
        DaemonRow? daemon;
        bool wasEnabled;
        await using (tx)
        {
            if (row is null) return AppEndpoints.NotFound(appId);
            daemon = await db.Daemons.FindAsync([row.DaemonName], ct);
            wasEnabled = row.Enabled && daemon is not null;
            operations.Start(row, AppOperations.Unregister, Guid.NewGuid());
            if (wasEnabled)
                await publish.Publish(new DisableApp(row.OperationId, AppMessages.Endpoint(row, daemon!, protector),
                    AppMessages.ContainerDaemon(daemon!, protector), StopContainer: false), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        var notes = new List<string>();
        if (wasEnabled)
        {
            var timeout = options.Value.DisableTimeout;
            var (after, timedOut) = await operations.WaitForAsync(appId, row.OperationId, timeout, ct, done: r => !r.Enabled);
            if (after is null) return TypedResults.Ok(new { message = $"ExApp {appId} successfully unregistered." });
            if (timedOut)
            {
                if (!force)
                {
                    await operations.ReleaseAsync(appId, row.OperationId);
                    return Problems.Of(504, "lifecycle_timeout",
                        $"Failed to disable ExApp {appId} before unregistering: the lifecycle service did not confirm within {timeout.TotalSeconds:0} s. Use --force to unregister anyway.");
                }
                notes.Add("it was not confirmed disabled, unregistered anyway");
            }
        }

        if (daemon is { AcceptsDeployId: AppApiProtocol.DockerInstall })
        {
            try
            {
                var response = await remover.GetResponse<ContainerRemoved>(
                    new RemoveContainer(appId, daemon.ToTarget(protector), rmData), ct,
                    RequestTimeout.After(s: (int)options.Value.RemoveTimeout.TotalSeconds));
                if (!response.Message.ContainerExisted) notes.Add("the container was already gone");
                if (response.Message.VolumeRemoved) notes.Add("its data volume was removed");
            }
            catch (Exception e) when (e is RequestFaultException or RequestTimeoutException)
            {
                var reason = e is RequestFaultException f ? DaemonCheck.FaultMessage(f) : "the deployer did not answer in time";
                if (!force)
                {
                    await operations.ReleaseAsync(appId, row.OperationId);
                    return Problems.Of(502, "remove_failed", $"Failed to remove the container of ExApp {appId}: {reason}. Use --force to unregister anyway.");
                }
                notes.Add($"container removal failed ({reason}), unregistered anyway");
            }
        }
        await db.Apps.Where(a => a.AppId == appId).ExecuteDeleteAsync(CancellationToken.None);
        await publish.Publish(new AppUnregistered(appId), CancellationToken.None);
        log.LogInformation("ExApp {AppId} unregistered (data removed: {RmData})", appId, rmData);
        var suffix = notes.Count > 0 ? $" ({string.Join(", ", notes)})" : "";
        return TypedResults.Ok(new { message = $"ExApp {appId} successfully unregistered.{suffix}" });
    }
}
