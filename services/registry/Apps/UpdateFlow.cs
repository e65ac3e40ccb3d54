using ExApps.Contracts;
using ExApps.Registry.AppInfo;
using ExApps.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExApps.Registry.Apps;

/// <summary>app:update: validates the new app info, stores it (name, routes, image, variables; port, secret and
/// deploy options stay) and asks the lifecycle to update the app: disable, redeploy, heartbeat, init, enable. The
/// version the app is called with changes when the lifecycle deploys the new one (its snapshot carries it).</summary>
public sealed class UpdateFlow(RegistryDb db, AppInfoLoader loader, AppOperations operations, ILogger<UpdateFlow> log)
{
    public async Task<IResult> StartAsync(string appId, UpdateAppRequest req, CancellationToken ct)
    {
        if (await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == appId, ct) is null)
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

        var (row, tx) = await operations.LockAsync(appId, ct);
        await using var _ = tx;
        if (row is null) return AppEndpoints.NotFound(appId);
        if (ExAppVersion.AreEqual(info.Version, row.Version))
            return TypedResults.Ok(new { message = $"ExApp {appId} is already updated ({row.Version})" });
        if (AppOperations.IsBusy(row)) return AppOperations.Busy(row);
        var daemon = await db.Daemons.FindAsync([row.DaemonName], ct)
            ?? throw new InvalidOperationException($"Daemon {row.DaemonName} of {appId} is missing.");

        var fromVersion = row.Version;
        row.SetInfo(info);
        row.Version = fromVersion; // the lifecycle's snapshot moves it once the new version is deployed
        var operationId = await operations.RequestAsync(row, tx, AppOperations.Update, id => new UpdateApp
        {
            OperationId = id,
            RegistrationId = row.RegistrationId,
            App = operations.Spec(row, daemon, info, info.Version),
        }, ct, new AppChanged(appId, 0));
        log.LogInformation("ExApp {AppId} update {From} -> {To} requested (operation {OperationId})",
            appId, fromVersion, info.Version, operationId);
        return TypedResults.Accepted($"/admin/apps/{appId}",
            new UpdateAppResult(appId, operationId, fromVersion, info.Version));
    }
}
