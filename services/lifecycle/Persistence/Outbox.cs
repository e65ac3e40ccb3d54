using System.Text.Json;
using ExApps.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace ExApps.Lifecycle.Persistence;

/// <summary><c>lifecycle.outbox</c>: the events a transition announces are written in the transaction that makes
/// the transition, and <see cref="Workers.OutboxPublisher"/> publishes them afterwards. A process that dies between
/// the two therefore loses nothing: the next one publishes what is left (at least once, in order).</summary>
public sealed class Outbox(NpgsqlDataSource dataSource)
{
    // Only contracts are stored, and none the lifecycle publishes carries a secret.
    private static readonly System.Reflection.Assembly Contracts = typeof(Enabled).Assembly;

    /// <summary>Adds <paramref name="messages"/> in order inside the caller's transaction.</summary>
    public static async Task AddAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<object> messages,
        DateTimeOffset now, CancellationToken ct)
    {
        foreach (var message in messages)
        {
            var type = message.GetType();
            if (type.Assembly != Contracts) throw new ArgumentException($"{type} is not a contract message.");
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO lifecycle.outbox (message_type, body, created_at) VALUES (@t, @b, @now)", conn, tx);
            cmd.Parameters.AddWithValue("t", type.FullName!);
            cmd.Parameters.AddWithValue("b", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(message, type));
            cmd.Parameters.AddWithValue("now", now);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Publishes up to <paramref name="limit"/> waiting messages oldest first and deletes them; returns how
    /// many. One process publishes at a time (an advisory lock), so that the events of an app keep their order
    /// even with several replicas; the others return 0.</summary>
    public async Task<int> PublishPendingAsync(Func<object, Type, CancellationToken, Task> publish, int limit,
        CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand(
                         "SELECT pg_try_advisory_xact_lock(hashtext('lifecycle-outbox'))", conn, tx))
        {
            if (await lockCmd.ExecuteScalarAsync(ct) is not true) return 0;
        }

        var pending = new List<(long Id, string Type, string Body)>();
        await using (var read = new NpgsqlCommand(
                         "SELECT id, message_type, body::text FROM lifecycle.outbox ORDER BY id LIMIT @limit", conn, tx))
        {
            read.Parameters.AddWithValue("limit", limit);
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                pending.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }
        if (pending.Count == 0) return 0;

        foreach (var (_, typeName, body) in pending)
        {
            var type = Contracts.GetType(typeName, throwOnError: true)!;
            await publish(JsonSerializer.Deserialize(body, type)!, type, ct);
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM lifecycle.outbox WHERE id = ANY(@ids)", conn, tx))
        {
            delete.Parameters.AddWithValue("ids", pending.Select(p => p.Id).ToArray());
            await delete.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return pending.Count;
    }
}
