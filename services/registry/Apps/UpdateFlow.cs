using ExApps.Contracts;
using ExApps.Registry.AppInfo;
using ExApps.Registry.Persistence;
using ExApps.Registry.Store;

namespace ExApps.Registry.Apps;

/// <summary>app:update: validates the new app info, stores it (name, routes, image, variables; port, secret and
/// deploy options stay) and asks the lifecycle to update the app: disable, redeploy, heartbeat, init, enable. The
/// version the app is called with changes when the lifecycle deploys the new one (its snapshot carries it).
/// Without app info in the request, the update takes the app store's newest compatible release, when it is newer
/// than the installed version (verified before anything is stored).</summary>
public sealed class UpdateFlow(RegistryDb db, AppInfoLoader loader, StoreReleases store, AppOperations operations,
    ILogger<UpdateFlow> log)
{
    public async Task<IResult> StartAsync(string appId, UpdateAppRequest? req, CancellationToken ct)
    {
        req ??= new UpdateAppRequest(null, null, null);
        if (await db.FindAppAsync(appId, ct) is not { } current)
            return AppEndpoints.NotFound(appId);
        AppInfoModel info;
        var fromStore = !AppInfoLoader.HasSource(req.InfoXml, req.InfoXmlUrl, req.JsonInfo);
        try
        {
            if (!fromStore)
                info = await loader.LoadAsync(appId, req.InfoXml, req.InfoXmlUrl, req.JsonInfo, ct);
            else
            {
                var newest = await store.NewestAsync(appId, ct);
                if (!ExAppVersion.IsGreater(newest.Release.Version, current.Version))
                    return AlreadyUpdated(appId, current.Version);
                info = await store.LoadAsync(newest, ct);
            }
        }
        catch (AppInfoException e)
        {
            return AppRegistrar.InvalidAppInfo(e);
        }
        catch (StoreException e)
        {
            return e.ToResult();
        }

        var (row, tx) = await operations.LockAsync(appId, ct);
        await using var _ = tx;
        if (row is null) return AppEndpoints.NotFound(appId);
        // An update from the store never goes back to an older version, e.g. one installed meanwhile.
        if (fromStore ? !ExAppVersion.IsGreater(info.Version, row.Version) : ExAppVersion.AreEqual(info.Version, row.Version))
            return AlreadyUpdated(appId, row.Version);
        if (AppOperations.IsBusy(row)) return AppOperations.Busy(row);
        var daemon = await db.FindDaemonAsync(row.DaemonName, ct)
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

    private static IResult AlreadyUpdated(string appId, string version) =>
        TypedResults.Ok(new { message = $"ExApp {appId} is already updated ({version})" });
}
