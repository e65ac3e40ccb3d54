using System.Text.Json;
using ExApps.AppReleases;
using ExApps.AppStore.Catalog;
using ExApps.AppStore.Persistence;
using ExApps.AppStore.Releases;
using ExApps.AppStore.Versioning;
using Npgsql;

namespace ExApps.AppStore.Publishing;

public sealed record StoredApp(string Id, long OwnerId, string Certificate);

/// <summary>Apps and releases as publishing writes them. Each write is one transaction that holds the app's row
/// lock, so a refused step stores nothing and two uploads for one app are applied one after the other.</summary>
public sealed class AppRepository(NpgsqlDataSource db)
{
    public async Task<StoredApp?> FindAsync(string appId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await Find(conn, null, appId, lockRow: false, ct);
    }

    /// <summary>Registers the app or changes its certificate (owner only): 201 when new, 204 when updated. A new
    /// certificate deletes the app's releases, whose signatures it no longer verifies.</summary>
    public async Task<int> RegisterAsync(string appId, long accountId, string certificate, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var ins = new NpgsqlCommand("""
            INSERT INTO appstore.apps (id, owner_id, certificate, translations) VALUES (@id, @o, @c, @t)
            ON CONFLICT (id) DO NOTHING
            """, conn, tx))
        {
            ins.Parameters.AddWithValue("id", appId);
            ins.Parameters.AddWithValue("o", accountId);
            ins.Parameters.AddWithValue("c", certificate);
            ins.Parameters.Add(StoreDatabase.Jsonb("t", JsonSerializer.Serialize(
                new Dictionary<string, AppTexts> { ["en"] = new(appId, appId, appId) }, FeedJson.Options)));
            if (await ins.ExecuteNonQueryAsync(ct) == 1)
            {
                await tx.CommitAsync(ct);
                return StatusCodes.Status201Created;
            }
        }
        var app = (await Find(conn, tx, appId, lockRow: true, ct))!;
        if (app.OwnerId != accountId) throw new ForbiddenException("Only the app owner is allowed to update the certificate");
        if (app.Certificate.Trim() != certificate.Trim())
        {
            await Exec(conn, tx, "DELETE FROM appstore.releases WHERE app_id = @id", ct, ("id", appId));
            await Exec(conn, tx, "UPDATE appstore.apps SET certificate = @c WHERE id = @id", ct, ("c", certificate), ("id", appId));
        }
        await tx.CommitAsync(ct);
        return StatusCodes.Status204NoContent;
    }

    /// <summary>Stores a checked release: 201 when new, 200 when it replaced the same version. A nightly replaces
    /// the app's previous nightlies. The app's texts follow its newest stable release (or any release while it has
    /// no stable one), as in the real store.</summary>
    public async Task<int> SaveReleaseAsync(ExAppInfo info, long accountId, string download, string signature,
        bool nightly, Dictionary<string, string> changelogs, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var app = await Find(conn, tx, info.Id, lockRow: true, ct)
            ?? throw new ReleaseCheckException($"App {info.Id} does not exist, you need to register it first");
        if (app.OwnerId != accountId) throw new ForbiddenException($"Only the owner of app {info.Id} may publish its releases");

        var existing = new List<(string Version, bool Nightly)>();
        await using (var cmd = new NpgsqlCommand("SELECT version, is_nightly FROM appstore.releases WHERE app_id = @id", conn, tx))
        {
            cmd.Parameters.AddWithValue("id", info.Id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) existing.Add((r.GetString(0), r.GetBoolean(1)));
        }
        var status = existing.Contains((info.Version, nightly)) ? StatusCodes.Status200OK : StatusCodes.Status201Created;
        if (nightly)
            await Exec(conn, tx, "DELETE FROM appstore.releases WHERE app_id = @id AND is_nightly AND version <> @v", ct,
                ("id", info.Id), ("v", info.Version));

        await using (var up = new NpgsqlCommand("""
            INSERT INTO appstore.releases (app_id, version, is_nightly, download, signature, signature_digest,
              platform_version_spec, raw_platform_version_spec, php_version_spec, raw_php_version_spec, min_int_size,
              licenses, translations, aa_is_system, deploy_methods, api_scopes, environment_variables)
            VALUES (@id, @v, @n, @d, @s, 'sha512', @ps, @rps, @php, @rphp, @mis, @lic, @tr, @sys, @dm, @sc, @env)
            ON CONFLICT (app_id, version, is_nightly) DO UPDATE SET download = EXCLUDED.download,
              signature = EXCLUDED.signature, platform_version_spec = EXCLUDED.platform_version_spec,
              raw_platform_version_spec = EXCLUDED.raw_platform_version_spec, php_version_spec = EXCLUDED.php_version_spec,
              raw_php_version_spec = EXCLUDED.raw_php_version_spec, min_int_size = EXCLUDED.min_int_size,
              licenses = EXCLUDED.licenses, translations = EXCLUDED.translations, aa_is_system = EXCLUDED.aa_is_system,
              deploy_methods = EXCLUDED.deploy_methods, api_scopes = EXCLUDED.api_scopes,
              environment_variables = EXCLUDED.environment_variables, last_modified = now()
            """, conn, tx))
        {
            var p = up.Parameters;
            p.AddWithValue("id", info.Id); p.AddWithValue("v", info.Version); p.AddWithValue("n", nightly);
            p.AddWithValue("d", download); p.AddWithValue("s", signature.Trim());
            p.AddWithValue("ps", info.PlatformVersionSpec); p.AddWithValue("rps", info.RawPlatformVersionSpec);
            p.AddWithValue("php", info.PhpVersionSpec); p.AddWithValue("rphp", info.RawPhpVersionSpec);
            p.AddWithValue("mis", info.MinIntSize); p.AddWithValue("sys", info.IsSystem);
            p.Add(Json("lic", info.Licenses));
            p.Add(Json("tr", changelogs.ToDictionary(c => c.Key, c => new { changelog = c.Value })));
            p.Add(Json("dm", new[] { new { installType = "docker-install", installData = new
                { registry = info.DockerInstall.Registry, image = info.DockerInstall.Image, imageTag = info.DockerInstall.ImageTag } } }));
            p.Add(Json("sc", info.ApiScopes));
            p.Add(Json("env", info.EnvironmentVariables));
            await up.ExecuteNonQueryAsync(ct);
        }

        var sql = ShouldUpdateApp(info.Version, nightly, existing) ? """
            UPDATE appstore.apps SET last_release = now(), user_docs = @ud, admin_docs = @ad, developer_docs = @dd,
              issue_tracker = @it, website = @w, discussion = @di, categories = @cat, authors = @au,
              screenshots = @sh, translations = @tr WHERE id = @id
            """ : "UPDATE appstore.apps SET last_release = now() WHERE id = @id";
        await using (var app2 = new NpgsqlCommand(sql, conn, tx))
        {
            var p = app2.Parameters;
            p.AddWithValue("id", info.Id);
            p.AddWithValue("ud", info.UserDocs); p.AddWithValue("ad", info.AdminDocs); p.AddWithValue("dd", info.DeveloperDocs);
            p.AddWithValue("it", info.IssueTracker); p.AddWithValue("w", info.Website); p.AddWithValue("di", info.Discussion);
            p.Add(Json("cat", info.Categories)); p.Add(Json("au", info.Authors)); p.Add(Json("sh", info.Screenshots));
            p.Add(Json("tr", info.Translations));
            await app2.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return status;
    }

    /// <summary>Deletes the app (owner only) with its releases; false when there is no such app.</summary>
    public async Task<bool> DeleteAppAsync(string appId, long accountId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var app = await Find(conn, tx, appId, lockRow: true, ct);
        if (app is null) return false;
        if (app.OwnerId != accountId) throw new ForbiddenException($"Only the owner of app {appId} may delete it");
        await Exec(conn, tx, "DELETE FROM appstore.apps WHERE id = @id", ct, ("id", appId));
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Deletes one release (owner only); false when the app has no such release.</summary>
    public async Task<bool> DeleteReleaseAsync(string appId, string version, bool nightly, long accountId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var app = await Find(conn, tx, appId, lockRow: true, ct);
        if (app is null) return false;
        await using var check = new NpgsqlCommand(
            "SELECT 1 FROM appstore.releases WHERE app_id = @id AND version = @v AND is_nightly = @n", conn, tx);
        check.Parameters.AddWithValue("id", appId); check.Parameters.AddWithValue("v", version); check.Parameters.AddWithValue("n", nightly);
        if (await check.ExecuteScalarAsync(ct) is null) return false;
        if (app.OwnerId != accountId) throw new ForbiddenException($"Only the owner of app {appId} may delete its releases");
        await Exec(conn, tx, "DELETE FROM appstore.releases WHERE app_id = @id AND version = @v AND is_nightly = @n", ct,
            ("id", appId), ("v", version), ("n", nightly));
        await tx.CommitAsync(ct);
        return true;
    }

    internal static bool ShouldUpdateApp(string version, bool nightly, List<(string Version, bool Nightly)> existing)
    {
        var stable = existing.Where(r => !r.Nightly && !r.Version.Contains('-')).ToList();
        if (stable.Count == 0) return true;
        if (nightly || version.Contains('-')) return false;
        var uploaded = SemVer.Parse(version);
        return stable.All(r => uploaded >= SemVer.Parse(r.Version));
    }

    private static async Task<StoredApp?> Find(NpgsqlConnection conn, NpgsqlTransaction? tx, string appId, bool lockRow, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT id, owner_id, certificate FROM appstore.apps WHERE id = @id" + (lockRow ? " FOR UPDATE" : ""), conn, tx);
        cmd.Parameters.AddWithValue("id", appId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new StoredApp(r.GetString(0), r.GetInt64(1), r.GetString(2)) : null;
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct,
        params (string Name, object Value)[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlParameter Json(string name, object value) =>
        StoreDatabase.Jsonb(name, JsonSerializer.Serialize(value, FeedJson.Options));
}
