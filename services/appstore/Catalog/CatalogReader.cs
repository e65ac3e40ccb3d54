using System.Text.Json;
using ExApps.AppStore.Versioning;
using Npgsql;

namespace ExApps.AppStore.Catalog;

/// <summary>Reads the catalog for the feeds: two queries (apps, releases) assembled in memory.</summary>
public sealed class CatalogReader(NpgsqlDataSource db)
{
    public async Task<List<CategoryJson>> CategoriesAsync(CancellationToken ct)
    {
        var list = new List<CategoryJson>();
        await using var cmd = db.CreateCommand("SELECT id, translations::text FROM appstore.categories ORDER BY ordering, id");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new CategoryJson(r.GetString(0), Json(r.GetString(1))));
        return list;
    }

    public async Task<List<PlatformJson>> PlatformsAsync(CancellationToken ct)
    {
        var list = new List<PlatformJson>();
        await using var cmd = db.CreateCommand("SELECT has_release, version, is_supported FROM appstore.nextcloud_releases");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new PlatformJson(r.GetBoolean(0), r.GetString(1), r.GetBoolean(2)));
        return list.OrderByDescending(p => SemVer.TryParse(p.Version, out var v) ? v : new SemVer(0, 0, 0, "")).ToList();
    }

    /// <summary>Every app that has at least one release (matching <paramref name="keep"/> when given), newest release
    /// first; <paramref name="exAppFields"/> adds the ExApp fields of appapi_apps.json.</summary>
    public async Task<List<AppJson>> AppsAsync(bool exAppFields, Func<ReleaseJson, bool>? keep, CancellationToken ct)
    {
        var releases = new Dictionary<string, List<ReleaseJson>>(StringComparer.Ordinal);
        await using (var cmd = db.CreateCommand("""
            SELECT app_id, version, is_nightly, download, signature, signature_digest, platform_version_spec,
                   raw_platform_version_spec, php_version_spec, raw_php_version_spec, min_int_size, licenses::text,
                   translations::text, aa_is_system, deploy_methods::text, api_scopes::text, environment_variables::text,
                   created, last_modified
            FROM appstore.releases
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var release = new ReleaseJson
                {
                    Version = r.GetString(1),
                    IsNightly = r.GetBoolean(2),
                    Download = r.GetString(3),
                    Signature = r.GetString(4),
                    SignatureDigest = r.GetString(5),
                    PlatformVersionSpec = r.GetString(6),
                    RawPlatformVersionSpec = r.GetString(7),
                    PhpVersionSpec = r.GetString(8),
                    RawPhpVersionSpec = r.GetString(9),
                    MinIntSize = r.GetInt32(10),
                    Licenses = Json(r.GetString(11)),
                    Translations = Json(r.GetString(12)),
                    AaIsSystem = exAppFields ? r.GetBoolean(13) : null,
                    DeployMethods = exAppFields ? Json(r.GetString(14)) : null,
                    ApiScopes = exAppFields ? Json(r.GetString(15)) : null,
                    EnvironmentVariables = exAppFields ? Json(r.GetString(16)) : null,
                    Created = FeedJson.Time(r.GetDateTime(17)),
                    LastModified = FeedJson.Time(r.GetDateTime(18)),
                };
                if (keep is not null && !keep(release)) continue;
                var appId = r.GetString(0);
                if (!releases.TryGetValue(appId, out var list)) releases[appId] = list = [];
                list.Add(release);
            }
        }

        var apps = new List<AppJson>();
        await using (var cmd = db.CreateCommand("""
            SELECT id, categories::text, user_docs, admin_docs, developer_docs, issue_tracker, website, discussion,
                   created, last_release, screenshots::text, translations::text, is_featured, authors::text, certificate
            FROM appstore.apps ORDER BY id
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                if (!releases.TryGetValue(r.GetString(0), out var appReleases)) continue;
                apps.Add(new AppJson
                {
                    Id = r.GetString(0),
                    Categories = Json(r.GetString(1)),
                    UserDocs = r.GetString(2),
                    AdminDocs = r.GetString(3),
                    DeveloperDocs = r.GetString(4),
                    IssueTracker = r.GetString(5),
                    Website = r.GetString(6),
                    Discussion = r.GetString(7),
                    Created = FeedJson.Time(r.GetDateTime(8)),
                    LastModified = r.IsDBNull(9) ? null : FeedJson.Time(r.GetDateTime(9)),
                    Releases = appReleases.OrderByDescending(x => SemVer.Parse(x.Version)).ThenBy(x => x.IsNightly).ToList(),
                    Screenshots = Json(r.GetString(10)),
                    Translations = Json(r.GetString(11)),
                    IsFeatured = r.GetBoolean(12),
                    Authors = Json(r.GetString(13)),
                    Certificate = r.GetString(14),
                });
            }
        }
        return apps;
    }

    private static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
