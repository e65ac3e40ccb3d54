using ExApps.Registry.Security;
using Npgsql;

namespace ExApps.Registry.AppConfig;

/// <summary>Per-app config (<paramref name="userId"/> null) or per-user preferences of one ExApp, in plain SQL so this
/// folder needs nothing from the registry's EF model. Values of sensitive keys are encrypted at rest and returned
/// decrypted only to the ExApp that owns them (what AppAPI does); they are never logged.</summary>
public sealed class ConfigStore(NpgsqlDataSource db, SecretProtector protector, string appId, string? userId)
{
    private string Table => userId is null ? "registry.app_config" : "registry.app_preferences";
    private string Owner => userId is null ? "appid = @appid" : "appid = @appid AND userid = @userid";

    /// <summary>Sets one key; null when the app does not exist.</summary>
    public async Task<ConfigEntry?> SetAsync(string key, string value, int? sensitive, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Lock the app row: a concurrent set of the same key cannot interleave between reading the flag and writing.
        await using (var app = Command(conn, "SELECT 1 FROM registry.apps WHERE appid = @appid FOR SHARE"))
            if (await app.ExecuteScalarAsync(ct) is null) return null;
        bool? stored;
        await using (var read = Command(conn, $"SELECT sensitive FROM {Table} WHERE {Owner} AND configkey = @key FOR UPDATE"))
        {
            read.Parameters.AddWithValue("key", key);
            stored = await read.ExecuteScalarAsync(ct) as bool?;
        }
        // Do better than AppAPI: an update without `sensitive` keeps the stored flag and encrypts accordingly
        // (AppAPI stores the value in plain text but leaves the flag set, so reading it back fails).
        var isSensitive = sensitive is { } s ? s != 0 : stored ?? false;
        var storedValue = isSensitive && value.Length > 0 ? protector.Protect(value) : value;
        var columns = userId is null ? "appid, configkey" : "appid, userid, configkey";
        var values = userId is null ? "@appid, @key" : "@appid, @userid, @key";
        await using var upsert = Command(conn, $"""
            INSERT INTO {Table} ({columns}, configvalue, sensitive) VALUES ({values}, @value, @sensitive)
            ON CONFLICT ({columns}) DO UPDATE SET configvalue = EXCLUDED.configvalue, sensitive = EXCLUDED.sensitive
            RETURNING id
            """);
        upsert.Parameters.AddWithValue("key", key);
        upsert.Parameters.AddWithValue("value", storedValue);
        upsert.Parameters.AddWithValue("sensitive", isSensitive);
        var id = (long)(await upsert.ExecuteScalarAsync(ct))!;
        await tx.CommitAsync(ct);
        return new ConfigEntry(id, appId, userId, key, value, isSensitive ? 1 : 0);
    }

    /// <summary>The stored keys among <paramref name="keys"/>, decrypted (an undecryptable value reads as "", as in
    /// AppAPI).</summary>
    public async Task<List<ConfigValue>> GetAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(conn, $"SELECT configkey, configvalue, sensitive FROM {Table} WHERE {Owner} AND configkey = ANY(@keys) ORDER BY id");
        cmd.Parameters.AddWithValue("keys", keys.ToArray());
        var result = new List<ConfigValue>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var value = reader.GetString(1);
            if (reader.GetBoolean(2) && value.Length > 0)
            {
                try { value = protector.Unprotect(value); }
                catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException) { value = ""; }
            }
            result.Add(new ConfigValue(reader.GetString(0), value));
        }
        return result;
    }

    /// <summary>Deletes the given keys; returns how many existed.</summary>
    public async Task<int> DeleteAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(conn, $"DELETE FROM {Table} WHERE {Owner} AND configkey = ANY(@keys)");
        cmd.Parameters.AddWithValue("keys", keys.ToArray());
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private NpgsqlCommand Command(NpgsqlConnection conn, string sql)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("appid", appId);
        if (userId is not null) cmd.Parameters.AddWithValue("userid", userId);
        return cmd;
    }
}
