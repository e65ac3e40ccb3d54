using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Persistence;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Store;

/// <summary>One app of the store's catalog as the admin sees it: <see cref="Version"/> is the newest release the
/// platform would install (null: none compatible), <see cref="InstalledVersion"/> what runs here (null: not installed).</summary>
public sealed record CatalogEntry(string Appid, string Name, string Summary, IReadOnlyList<string> Categories,
    string? Version, string? InstalledVersion, bool UpdateAvailable);

/// <summary>An installed app with a newer compatible release in the store.</summary>
public sealed record AppUpdate(string Appid, string Name, string Version, string NewVersion, bool Enabled, string DaemonConfigName);

/// <summary><c>GET /admin/catalog?search=</c> and <c>GET /admin/apps/updates</c> (app:update --all, app:list's
/// update column).</summary>
public static class CatalogEndpoints
{
    public const int MaxSearch = 100;

    public static RouteGroupBuilder MapCatalogEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/catalog", Search);
        admin.MapGet("/apps/updates", Updates);
        return admin;
    }

    private static async Task<IResult> Search(string? search, StoreCatalog catalog, RegistryDb db,
        IOptions<RegistryOptions> options, CancellationToken ct)
    {
        var words = (search ?? "").Trim();
        if (words.Length > MaxSearch)
            return Problems.Invalid(new() { ["search"] = [$"`search` must be at most {MaxSearch} characters."] });
        IReadOnlyList<StoreApp> apps;
        try { apps = await catalog.AppsAsync(ct); }
        catch (StoreException e) { return e.ToResult(); }
        var installed = await InstalledAsync(db, ct);
        var o = options.Value;
        return TypedResults.Ok(apps
            .Where(a => words.Length == 0 || Matches(a, words))
            .OrderBy(a => a.Id, StringComparer.Ordinal)
            .Select(a =>
            {
                var newest = ReleaseChoice.Newest(a, o.NextcloudVersion, o.AppStore)?.Version;
                var here = installed.GetValueOrDefault(a.Id)?.Version;
                return new CatalogEntry(a.Id, a.Name, a.Summary, a.Categories, newest, here,
                    newest is not null && here is not null && ExAppVersion.IsGreater(newest, here));
            })
            .ToList());
    }

    private static async Task<IResult> Updates(StoreCatalog catalog, RegistryDb db, IOptions<RegistryOptions> options,
        CancellationToken ct)
    {
        IReadOnlyList<StoreApp> apps;
        try { apps = await catalog.AppsAsync(ct); }
        catch (StoreException e) { return e.ToResult(); }
        var o = options.Value;
        var byId = apps.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var updates = new List<AppUpdate>();
        foreach (var app in (await InstalledAsync(db, ct)).Values.OrderBy(a => a.AppId, StringComparer.Ordinal))
            if (byId.TryGetValue(app.AppId, out var listed)
                && ReleaseChoice.Newest(listed, o.NextcloudVersion, o.AppStore) is { } newest
                && ExAppVersion.IsGreater(newest.Version, app.Version))
                updates.Add(new AppUpdate(app.AppId, app.Name, app.Version, newest.Version, app.Enabled, app.DaemonName));
        return TypedResults.Ok(updates);
    }

    private static async Task<Dictionary<string, AppRow>> InstalledAsync(RegistryDb db, CancellationToken ct) =>
        (await db.ListAppsAsync(null, ct)).ToDictionary(a => a.AppId, StringComparer.Ordinal);

    private static bool Matches(StoreApp app, string words) =>
        app.Id.Contains(words, StringComparison.OrdinalIgnoreCase)
        || app.Name.Contains(words, StringComparison.OrdinalIgnoreCase)
        || app.Summary.Contains(words, StringComparison.OrdinalIgnoreCase)
        || app.Categories.Any(c => c.Equals(words, StringComparison.OrdinalIgnoreCase));
}
