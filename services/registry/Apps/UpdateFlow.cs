using ExApps.ServiceDefaults;
using System.Text.Json;
using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.AppInfo;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using ExApps.Registry.Status;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace ExApps.Registry.Apps;

/// <summary>app:update (spec §2.2): disable, then redeploy with the new app info keeping port, secret, deploy
/// options and data volume. The redeploy starts when the lifecycle's <see cref="Disabled"/> arrives (see
/// <see cref="RedeployAsync"/>), so an update survives a registry restart in between.</summary>
public sealed class UpdateFlow(RegistryDb db, AppInfoLoader loader, AppOperations operations, SecretProtector protector,
    IPublishEndpoint publish, ILogger<UpdateFlow> log)
{
    public async Task<IResult> StartAsync(string appId, UpdateAppRequest req, CancellationToken ct)
    {
        if (await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == appId, ct) is not { } current)
            return AppEndpoints.NotFound(appId);
        AppInfoModel info;
        try
        {
            info = await loader.LoadAsync(appId, req.InfoXml, req.InfoXmlUrl, req.JsonInfo, ct);
        }
        catch (AppInfoException e)
        {
            return AppRegistrar.InvalidAppInfo(e);
        }
        if (AppVersion.Compare(info.Version, current.Version) == 0)
            return TypedResults.Ok(new { message = $"ExApp {appId} is already updated ({current.Version})" });

        var (row, tx) = await operations.LockAsync(appId, ct);
        await using var _ = tx;
        if (row is null) return AppEndpoints.NotFound(appId);
        if (operations.IsBusy(row)) return AppOperations.Busy(row);
        var daemon = await db.Daemons.FindAsync([row.DaemonName], ct)
            ?? throw new InvalidOperationException($"Daemon {row.DaemonName} of {appId} is missing.");

        var fromVersion = row.Version;
        var deployOperation = Guid.NewGuid();
        var status = AppStatus.Parse(row.Status);
        status.Type = AppApiProtocol.KindUpdate;
        status.Error = "";
        status.Deploy = 0;
        status.Init = 0;
        status.Action = "";
        row.Status = status.ToJson();
        row.PendingUpdate = JsonSerializer.Serialize(new PendingUpdate(deployOperation, info));

        if (row.Enabled)
        {
            // Disable first (PUT /enabled?enabled=0, stop the container); Disabled continues in RedeployAsync.
            operations.Start(row, AppOperations.Update, Guid.NewGuid());
            await publish.PublishCommand(new DisableApp(row.OperationId, AppMessages.Endpoint(row, daemon, protector),
                AppMessages.ContainerDaemon(daemon, protector), StopContainer: true), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        else
        {
            operations.Start(row, AppOperations.Update, deployOperation);
            ApplyPending(row);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            try
            {
                await publish.PublishCommand(AppMessages.Deploy(row, daemon, deployOperation, AppApiProtocol.KindUpdate, protector), ct);
            }
            catch (Exception e)
            {
                log.LogError(e, "Publishing the update deploy of {AppId} failed", appId);
                await operations.ReleaseAsync(appId, deployOperation);
                return Problems.Of(503, "bus_unavailable", "The message bus is unavailable; the update did not start. Try again.");
            }
        }
        log.LogInformation("ExApp {AppId} update {From} -> {To} started (deploy operation {OperationId})",
            appId, fromVersion, info.Version, deployOperation);
        return TypedResults.Accepted($"/admin/apps/{appId}",
            new UpdateAppResult(appId, deployOperation, fromVersion, info.Version));
    }

    /// <summary>Called with the app row locked when the update's Disabled arrives: applies the new info and
    /// publishes the deploy. Publishing before the caller commits makes a failure retry the whole step (the
    /// deployer takes a repeated DeployRequested of one operation as one).</summary>
    public async Task RedeployAsync(AppRow row, IPublishEndpoint endpoint, CancellationToken ct)
    {
        var deployOperation = ApplyPending(row);
        row.OperationId = deployOperation;
        var daemon = await db.Daemons.FindAsync([row.DaemonName], ct)
            ?? throw new InvalidOperationException($"Daemon {row.DaemonName} of {row.AppId} is missing.");
        await endpoint.Publish(AppMessages.Deploy(row, daemon, deployOperation, AppApiProtocol.KindUpdate, protector), ct);
        log.LogInformation("ExApp {AppId} disabled for its update; deploy {OperationId} of {Version} requested",
            row.AppId, deployOperation, row.Version);
    }

    /// <summary>Replaces version, name, image, variables and routes; port, secret and deploy options stay.</summary>
    private static Guid ApplyPending(AppRow row)
    {
        var pending = JsonSerializer.Deserialize<PendingUpdate>(row.PendingUpdate!)!;
        row.SetInfo(pending.Info);
        row.PendingUpdate = null;
        return pending.DeployOperationId;
    }
}
