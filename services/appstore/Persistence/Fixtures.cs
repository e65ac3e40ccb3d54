using System.Text.Json;
using Npgsql;

namespace ExApps.AppStore.Persistence;

/// <summary>Data the store ships: the real store's app categories (rewritten at every start, like Django's
/// fixtures) and a default set of Nextcloud releases (added only where missing, so an import is kept).</summary>
public static class Fixtures
{
    private static readonly (string Id, string En, string De)[] Categories =
    [
        ("ai", "Artificial Intelligence", "Künstliche Intelligenz"),
        ("customization", "Customization", "Anpassung"),
        ("dashboard", "Dashboard", "Dashboard"),
        ("files", "Files", "Dateien"),
        ("games", "Games", "Spiele"),
        ("integration", "Integration", "Integration"),
        ("monitoring", "Monitoring", "Überwachung"),
        ("multimedia", "Multimedia", "Multimedia"),
        ("office", "Office & text", "Büro & Text"),
        ("organization", "Organization", "Organisation"),
        ("search", "Search", "Suche"),
        ("security", "Security", "Sicherheit"),
        ("social", "Social & communication", "Soziales & Kommunikation"),
        ("tools", "Tools", "Werkzeuge"),
        ("workflow", "Flow", "Flow"),
    ];

    /// <summary>Nextcloud majors the store knows before any import: 30 to 32 supported, 32 current.</summary>
    public static readonly (string Version, bool HasRelease, bool IsSupported)[] Platforms =
    [
        ("27.0.0", true, false), ("28.0.0", true, false), ("29.0.0", true, false),
        ("30.0.0", true, true), ("31.0.0", true, true), ("32.0.0", true, true),
    ];

    public static async Task LoadAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        for (var i = 0; i < Categories.Length; i++)
        {
            var (id, en, de) = Categories[i];
            var translations = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["en"] = new { name = en, description = "" },
                ["de"] = new { name = de, description = "" },
            });
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO appstore.categories (id, ordering, translations) VALUES (@id, @o, @t)
                ON CONFLICT (id) DO UPDATE SET ordering = EXCLUDED.ordering, translations = EXCLUDED.translations
                """, conn, tx);
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("o", i);
            cmd.Parameters.Add(StoreDatabase.Jsonb("t", translations));
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var any = new NpgsqlCommand("SELECT count(*) FROM appstore.nextcloud_releases", conn, tx))
        {
            if ((long)(await any.ExecuteScalarAsync(ct))! == 0)
            {
                foreach (var (version, hasRelease, supported) in Platforms)
                {
                    await using var cmd = new NpgsqlCommand("""
                        INSERT INTO appstore.nextcloud_releases (version, has_release, is_supported, is_current)
                        VALUES (@v, @r, @s, @c) ON CONFLICT (version) DO NOTHING
                        """, conn, tx);
                    cmd.Parameters.AddWithValue("v", version);
                    cmd.Parameters.AddWithValue("r", hasRelease);
                    cmd.Parameters.AddWithValue("s", supported);
                    cmd.Parameters.AddWithValue("c", version == Platforms[^1].Version);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
            }
        }
        await tx.CommitAsync(ct);
    }
}
