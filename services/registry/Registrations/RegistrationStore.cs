using System.Text.Json.Nodes;
using ExApps.Contracts;
using ExApps.ServiceDefaults.Outbox;
using Npgsql;
using NpgsqlTypes;

namespace ExApps.Registry.Registrations;

/// <summary>One stored registration as the admin API shows it; <see cref="AppEnabled"/> tells a connector whether
/// Nextcloud should offer it now (AppAPI offers registrations of enabled apps only).</summary>
public sealed record RegistrationView(long Id, string Appid, string Kind, IReadOnlyList<string> Key, JsonNode? Data,
    bool AppEnabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Reads and writes <c>registry.app_registrations</c> in plain SQL. Every change writes its event
/// (<see cref="ExAppRegistrationSaved"/>, <see cref="ExAppRegistrationRemoved"/>) to the registry's outbox in the
/// same transaction, so a connector never misses one and never hears of a change that was rolled back.</summary>
public sealed class RegistrationStore(NpgsqlDataSource db, TransactionalOutbox outbox, TimeProvider clock)
{
    private const string Columns = "r.id, r.appid, r.kind, r.key, r.data::text, a.enabled, r.created_at, r.updated_at";

    /// <summary>Inserts or replaces one registration; null when the app does not exist.</summary>
    public async Task<RegistrationView?> SaveAsync(string appId, string kind, IReadOnlyList<string> key, JsonObject data, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var saved = await SaveAsync(conn, tx, appId, kind, key, data, ct);
        if (saved is null) return null;
        await tx.CommitAsync(ct);
        outbox.Committed();
        return saved;
    }

    /// <summary>The same inside the caller's transaction (a Talk bot stores its secret with it).</summary>
    public async Task<RegistrationView?> SaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string appId, string kind,
        IReadOnlyList<string> key, JsonObject data, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            WITH a AS (SELECT appid, enabled FROM registry.apps WHERE appid = @appid FOR SHARE),
            r AS (
                INSERT INTO registry.app_registrations (appid, kind, key, data)
                SELECT appid, @kind, @key, @data FROM a
                ON CONFLICT (appid, kind, key) DO UPDATE SET data = EXCLUDED.data, updated_at = clock_timestamp()
                RETURNING *)
            SELECT {Columns} FROM r JOIN a ON a.appid = r.appid
            """, conn, tx);
        cmd.Parameters.AddWithValue("appid", appId);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("key", RegistrationKinds.JoinKey(key));
        cmd.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, data.ToJsonString());
        var view = (await ReadAsync(cmd, ct)).FirstOrDefault();
        if (view is null) return null;
        await outbox.AddAsync(conn, tx, [OutboxMessage.Event(new ExAppRegistrationSaved
        {
            AppId = appId, Kind = kind, Key = view.Key, Data = view.Data?.ToJsonString() ?? "{}", UpdatedAt = view.UpdatedAt,
        })], clock.GetUtcNow(), ct);
        return view;
    }

    public async Task<RegistrationView?> GetAsync(string appId, string kind, IReadOnlyList<string> key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT {Columns} FROM registry.app_registrations r JOIN registry.apps a ON a.appid = r.appid
            WHERE r.appid = @appid AND r.kind = @kind AND r.key = @key
            """);
        cmd.Parameters.AddWithValue("appid", appId);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("key", RegistrationKinds.JoinKey(key));
        return (await ReadAsync(cmd, ct)).FirstOrDefault();
    }

    /// <summary>Every registration, of one app and/or one kind when given, in a stable order.</summary>
    public async Task<List<RegistrationView>> ListAsync(string? appId, string? kind, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT {Columns} FROM registry.app_registrations r JOIN registry.apps a ON a.appid = r.appid
            WHERE (@appid::text IS NULL OR r.appid = @appid) AND (@kind::text IS NULL OR r.kind = @kind)
            ORDER BY r.appid, r.kind, r.id
            """);
        cmd.Parameters.AddWithValue("appid", NpgsqlDbType.Text, (object?)appId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("kind", NpgsqlDbType.Text, (object?)kind ?? DBNull.Value);
        return await ReadAsync(cmd, ct);
    }

    /// <summary>Deletes one registration; false when there was none. Removing a top menu entry also removes the
    /// initial states, scripts and styles registered for it (type <c>top_menu</c>, same name), as AppAPI does.</summary>
    public async Task<bool> DeleteAsync(string appId, string kind, IReadOnlyList<string> key, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deleted = await DeleteAsync(conn, tx, appId, kind, key, ct);
        if (!deleted) return false;
        if (kind == RegistrationKinds.TopMenu)
        {
            await using var dependents = new NpgsqlCommand("""
                SELECT kind, key FROM registry.app_registrations
                WHERE appid = @appid AND kind IN ('initial_state', 'script', 'style') AND data->>'type' = 'top_menu' AND data->>'name' = @name
                """, conn, tx);
            dependents.Parameters.AddWithValue("appid", appId);
            dependents.Parameters.AddWithValue("name", key[0]);
            var rows = new List<(string Kind, string Key)>();
            await using (var reader = await dependents.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) rows.Add((reader.GetString(0), reader.GetString(1)));
            foreach (var (k, joined) in rows) await DeleteAsync(conn, tx, appId, k, RegistrationKinds.SplitKey(joined, k), ct);
        }
        await tx.CommitAsync(ct);
        outbox.Committed();
        return true;
    }

    public async Task<bool> DeleteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string appId, string kind,
        IReadOnlyList<string> key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "DELETE FROM registry.app_registrations WHERE appid = @appid AND kind = @kind AND key = @key", conn, tx);
        cmd.Parameters.AddWithValue("appid", appId);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("key", RegistrationKinds.JoinKey(key));
        if (await cmd.ExecuteNonQueryAsync(ct) == 0) return false;
        await outbox.AddAsync(conn, tx, [OutboxMessage.Event(new ExAppRegistrationRemoved
        {
            AppId = appId, Kind = kind, Key = key, RemovedAt = clock.GetUtcNow(),
        })], clock.GetUtcNow(), ct);
        return true;
    }

    private static async Task<List<RegistrationView>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var result = new List<RegistrationView>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var kind = reader.GetString(2);
            result.Add(new RegistrationView(reader.GetInt64(0), reader.GetString(1), kind,
                RegistrationKinds.SplitKey(reader.GetString(3), kind), JsonNode.Parse(reader.GetString(4)), reader.GetBoolean(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return result;
    }
}
