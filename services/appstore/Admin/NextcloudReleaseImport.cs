using System.Text.Json;
using ExApps.AppStore.Versioning;
using Npgsql;

namespace ExApps.AppStore.Admin;

/// <summary>The real store's release sync, from a file instead of GitHub: every stable tag (<c>v31.0.2</c>) at or
/// above the oldest supported version becomes a Nextcloud release that has a release and is supported; releases
/// the store knew but the file lacks are marked unsupported; the newest becomes the current one.</summary>
public static class NextcloudReleaseImport
{
    public static async Task<int> RunAsync(NpgsqlDataSource db, string file, string? oldestSupported, bool printOnly,
        TextWriter output, CancellationToken ct)
    {
        var versions = ReadVersions(File.ReadAllText(file), oldestSupported);
        if (printOnly)
        {
            foreach (var v in versions) await output.WriteLineAsync(v.ToString());
            await output.WriteLineAsync($"{versions.Count} releases would be imported (dry run, nothing changed).");
            return 0;
        }
        if (versions.Count == 0)
        {
            await output.WriteLineAsync("No stable release in the file: nothing changed.");
            return 0;
        }
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var names = versions.Select(v => v.ToString()).ToArray();
        await using (var up = new NpgsqlCommand("""
            INSERT INTO appstore.nextcloud_releases (version, has_release, is_supported, is_current)
            SELECT v, true, true, false FROM unnest(@vs) AS v
            ON CONFLICT (version) DO UPDATE SET has_release = true, is_supported = true
            """, conn, tx))
        {
            up.Parameters.AddWithValue("vs", names);
            await up.ExecuteNonQueryAsync(ct);
        }
        await using (var old = new NpgsqlCommand(
            "UPDATE appstore.nextcloud_releases SET is_supported = false WHERE NOT (version = ANY(@vs))", conn, tx))
        {
            old.Parameters.AddWithValue("vs", names);
            await old.ExecuteNonQueryAsync(ct);
        }
        await using (var current = new NpgsqlCommand(
            "UPDATE appstore.nextcloud_releases SET is_current = (version = @latest)", conn, tx))
        {
            current.Parameters.AddWithValue("latest", names[0]);
            await current.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        await output.WriteLineAsync($"Imported {names.Length} releases; current: {names[0]}.");
        return 0;
    }

    /// <summary>Stable versions from a tags answer (an array of objects with a <c>name</c>, or an array of such
    /// pages), newest first, at or above <paramref name="oldestSupported"/>.</summary>
    public static List<SemVer> ReadVersions(string json, string? oldestSupported)
    {
        SemVer? oldest = null;
        if (!string.IsNullOrWhiteSpace(oldestSupported) && !SemVer.TryParse(oldestSupported, out oldest))
            throw new FormatException($"--oldest-supported {oldestSupported} is not a version such as 30.0.0");
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new FormatException("the file must hold a JSON array of tags ([{\"name\": \"v31.0.2\"}, ...])");
        var tags = doc.RootElement.EnumerateArray()
            .SelectMany(e => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : new[] { e }.AsEnumerable());
        return tags.Where(t => t.ValueKind == JsonValueKind.Object && t.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
            .Select(t => t.GetProperty("name").GetString()!.TrimStart('v'))
            .Select(n => SemVer.TryParse(n, out var v) ? v : null)
            .OfType<SemVer>()
            .Where(v => !v.IsPrerelease && (oldest is null || v >= oldest))
            .Distinct().OrderDescending().ToList();
    }
}
