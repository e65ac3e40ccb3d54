using Npgsql;

namespace ExApps.Lifecycle.Persistence;

public enum BeginOutcome
{
    /// <summary>The new operation is the app's current one.</summary>
    Started,
    /// <summary>This operation id was seen before (a redelivery, or a late message of an operation that another
    /// already replaced): nothing changed.</summary>
    Duplicate,
    /// <summary>Another operation is in flight and this one may not replace it: refused.</summary>
    Busy,
}

/// <param name="Current">The app's row after the call (for Busy and Duplicate: the one that stays).</param>
public sealed record BeginResult(BeginOutcome Outcome, AppOperation? Current);

public sealed partial class OperationStore
{
    /// <summary>Makes <paramref name="proposed"/> the app's current operation, in one transaction with the record
    /// that its id was seen. An operation id is accepted once: a redelivered or late message never restarts or
    /// brings back an operation. While another operation is in flight, <paramref name="mayReplace"/> decides: a new
    /// deploy or a disable replaces it (its work then finds the row moved on and drops its results); an enable is
    /// refused and <paramref name="refusal"/> announces why.</summary>
    public async Task<BeginResult> BeginAsync(AppOperation proposed, bool mayReplace,
        Func<AppOperation, IReadOnlyList<object>> refusal, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        await using (var seen = new NpgsqlCommand("""
            INSERT INTO lifecycle.seen_operations (operation_id, app_id, seen_at) VALUES (@op, @a, @now)
            ON CONFLICT (operation_id) DO NOTHING
            """, conn, tx))
        {
            seen.Parameters.AddWithValue("op", proposed.OperationId);
            seen.Parameters.AddWithValue("a", proposed.AppId);
            seen.Parameters.AddWithValue("now", now);
            if (await seen.ExecuteNonQueryAsync(ct) == 0)
                return new BeginResult(BeginOutcome.Duplicate, await LockRowAsync(conn, tx, proposed.AppId, ct));
        }

        var current = await LockRowAsync(conn, tx, proposed.AppId, ct);
        if (current is not null && current.OperationId == proposed.OperationId)
            return new BeginResult(BeginOutcome.Duplicate, current); // a row from before seen_operations existed
        if (current is not null && !OperationState.IsTerminal(current.State) && !mayReplace)
        {
            await CommitWithMessagesAsync(conn, tx, refusal(current), now, ct);
            return new BeginResult(BeginOutcome.Busy, current);
        }

        await using (var upsert = new NpgsqlCommand($"""
            INSERT INTO lifecycle.operations AS o ({Columns})
            VALUES (@a, @op, @kind, @version, @url, @secret, @state, 0, @deadline, @now, NULL, NULL, '', @now, false)
            ON CONFLICT (app_id) DO UPDATE SET
                operation_id = excluded.operation_id, kind = excluded.kind, version = excluded.version,
                exapp_url = excluded.exapp_url, secret = excluded.secret, state = excluded.state, failed_tries = 0,
                heartbeat_deadline = excluded.heartbeat_deadline, next_attempt_at = excluded.next_attempt_at,
                init_started_at = NULL, init_deadline = NULL, last_error = '', updated_at = excluded.updated_at,
                init_called = false
            """, conn, tx))
        {
            upsert.Parameters.AddWithValue("a", proposed.AppId);
            upsert.Parameters.AddWithValue("op", proposed.OperationId);
            upsert.Parameters.AddWithValue("kind", proposed.Kind);
            upsert.Parameters.AddWithValue("version", proposed.Version);
            upsert.Parameters.AddWithValue("url", proposed.ExAppUrl);
            upsert.Parameters.AddWithValue("secret", proposed.Secret.Value);
            upsert.Parameters.AddWithValue("state", proposed.State);
            upsert.Parameters.AddWithValue("deadline", proposed.HeartbeatDeadline);
            upsert.Parameters.AddWithValue("now", now);
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await CommitWithMessagesAsync(conn, tx, [], now, ct);
        return new BeginResult(BeginOutcome.Started, proposed with { UpdatedAt = now, NextAttemptAt = now });
    }

    private static async Task<AppOperation?> LockRowAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string appId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT {Columns} FROM lifecycle.operations WHERE app_id = @a FOR UPDATE", conn, tx);
        cmd.Parameters.AddWithValue("a", appId);
        return (await ReadAllAsync(cmd, ct)).SingleOrDefault();
    }
}
