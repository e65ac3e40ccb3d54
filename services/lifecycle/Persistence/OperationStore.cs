using ExApps.Contracts;
using ExApps.Lifecycle.Workers;
using Npgsql;

namespace ExApps.Lifecycle.Persistence;

/// <summary>All reads and writes of <c>lifecycle.operations</c>. Every transition is a conditional UPDATE on
/// (app, operation, expected state) that reports whether it happened: a duplicate or late event, or a second
/// replica, finds the row already moved on and changes nothing. The events a transition announces are written to
/// the <see cref="Outbox"/> in the same transaction, so they go out if and only if the transition happened.</summary>
public sealed partial class OperationStore(NpgsqlDataSource dataSource, OutboxSignal outboxSignal, TimeProvider clock)
{
    private const string Columns = "app_id, operation_id, kind, version, exapp_url, secret, state, failed_tries, " +
        "heartbeat_deadline, next_attempt_at, init_started_at, init_deadline, last_error, updated_at, init_called";

    /// <summary>Claims up to <paramref name="limit"/> heartbeat rows that are due by pushing their next attempt
    /// to <paramref name="leaseUntil"/>: no other replica tries them meanwhile, and if this process dies the
    /// lease simply runs out.</summary>
    public async Task<IReadOnlyList<AppOperation>> ClaimDueHeartbeatsAsync(DateTimeOffset leaseUntil, int limit,
        CancellationToken ct)
    {
        const string sql = $"""
            UPDATE lifecycle.operations o SET next_attempt_at = @lease
            FROM (SELECT app_id AS due_app FROM lifecycle.operations
                  WHERE state = 'heartbeat' AND next_attempt_at <= @now
                  ORDER BY next_attempt_at LIMIT @limit FOR UPDATE SKIP LOCKED) due
            WHERE o.app_id = due.due_app
            RETURNING {Columns}
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue("lease", leaseUntil);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        cmd.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(cmd, ct);
    }

    /// <summary>When the earliest heartbeat row is due, or null when none waits.</summary>
    public async Task<DateTimeOffset?> NextHeartbeatDueAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT min(next_attempt_at) FROM lifecycle.operations WHERE state = 'heartbeat'");
        // timestamptz comes back as a UTC DateTime from ExecuteScalar
        return await cmd.ExecuteScalarAsync(ct) is DateTime due ? new DateTimeOffset(due, TimeSpan.Zero) : null;
    }

    /// <summary>Records a failed heartbeat try and when to try again, announcing the count so the status shows it
    /// while the heartbeat goes on.</summary>
    public Task<bool> RecordHeartbeatRetryAsync(AppOperation row, int failedTries, DateTimeOffset nextAttempt,
        string error, CancellationToken ct) =>
        UpdateAsync(row, OperationState.Heartbeat,
            "failed_tries = @n, next_attempt_at = @next, last_error = @err",
            [new HeartbeatProgress(row.OperationId, row.AppId, failedTries)],
            ct, ("n", failedTries), ("next", nextAttempt), ("err", error));

    /// <summary>Gives a claimed heartbeat back at once (the process is stopping mid-try).</summary>
    public Task<bool> ReleaseHeartbeatAsync(AppOperation row, CancellationToken ct) =>
        UpdateAsync(row, OperationState.Heartbeat, "next_attempt_at = @now", [], ct);

    public Task<bool> FailHeartbeatAsync(AppOperation row, int failedTries, string error,
        IReadOnlyList<object> messages, CancellationToken ct) =>
        UpdateAsync(row, OperationState.Heartbeat, "state = 'failed', failed_tries = @n, last_error = @err",
            messages, ct, ("n", failedTries), ("err", error));

    /// <summary>heartbeat -> initializing, stamping the init start and deadline.</summary>
    public Task<bool> StartInitAsync(AppOperation row, DateTimeOffset startedAt, DateTimeOffset deadline,
        IReadOnlyList<object> messages, CancellationToken ct) =>
        UpdateAsync(row, OperationState.Heartbeat,
            "state = 'initializing', init_started_at = @started, init_deadline = @deadline, init_called = false, " +
            "last_error = ''",
            messages, ct, ("started", startedAt), ("deadline", deadline));

    /// <summary>The ExApp answered <c>POST /init</c>: a restart from here on waits for its reports instead of
    /// calling it again.</summary>
    public Task<bool> MarkInitCalledAsync(AppOperation row, CancellationToken ct) =>
        UpdateAsync(row, OperationState.Initializing, "init_called = true", [], ct);

    /// <summary>starting -> heartbeat once the container runs, with the heartbeat's own deadline.</summary>
    public Task<bool> StartHeartbeatAfterContainerAsync(AppOperation row, DateTimeOffset deadline,
        CancellationToken ct) =>
        UpdateAsync(row, OperationState.Starting,
            "state = 'heartbeat', failed_tries = 0, heartbeat_deadline = @deadline, next_attempt_at = @now",
            [], ct, ("deadline", deadline));

    /// <summary>Moves the operation from <paramref name="from"/> to <paramref name="to"/>, recording
    /// <paramref name="error"/> when one is given, and announces <paramref name="messages"/>.</summary>
    public Task<bool> TransitionAsync(AppOperation row, string from, string to, string? error,
        IReadOnlyList<object> messages, CancellationToken ct) =>
        error is null
            ? UpdateAsync(row, from, "state = @to", messages, ct, ("to", to))
            : UpdateAsync(row, from, "state = @to, last_error = @err", messages, ct, ("to", to), ("err", error));

    /// <summary>Raises the version used for calls to the ExApp, unless the row changed meanwhile.</summary>
    public async Task<bool> ReplaceVersionAsync(AppOperation row, string version, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE lifecycle.operations SET version = @v, updated_at = @now
            WHERE app_id = @a AND operation_id = @op AND version = @old
            """);
        cmd.Parameters.AddWithValue("v", version);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        cmd.Parameters.AddWithValue("a", row.AppId);
        cmd.Parameters.AddWithValue("op", row.OperationId);
        cmd.Parameters.AddWithValue("old", row.Version);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<AppOperation?> FindAsync(string appId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM lifecycle.operations WHERE app_id = @a");
        cmd.Parameters.AddWithValue("a", appId);
        return (await ReadAllAsync(cmd, ct)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<AppOperation>> ExpiredInitsAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"SELECT {Columns} FROM lifecycle.operations WHERE state = 'initializing' AND init_deadline <= @now");
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        return await ReadAllAsync(cmd, ct);
    }

    /// <summary>Claims rows in <paramref name="state"/> untouched since <paramref name="untouchedSince"/> (their
    /// process died mid-call) by touching them, so that one caller resumes each. <paramref name="onlyUncalledInit"/>
    /// narrows <c>initializing</c> to inits whose <c>POST /init</c> was never answered.</summary>
    public async Task<IReadOnlyList<AppOperation>> ClaimAbandonedAsync(string state, DateTimeOffset untouchedSince,
        CancellationToken ct, bool onlyUncalledInit = false)
    {
        await using var cmd = dataSource.CreateCommand($"""
            UPDATE lifecycle.operations SET updated_at = @now
            WHERE state = @state AND updated_at <= @since {(onlyUncalledInit ? "AND NOT init_called" : "")}
            RETURNING {Columns}
            """);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        cmd.Parameters.AddWithValue("state", state);
        cmd.Parameters.AddWithValue("since", untouchedSince);
        return await ReadAllAsync(cmd, ct);
    }

    public async Task<bool> DeleteAsync(string appId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("DELETE FROM lifecycle.operations WHERE app_id = @a");
        cmd.Parameters.AddWithValue("a", appId);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    private async Task<bool> UpdateAsync(AppOperation row, string expectedState, string set,
        IReadOnlyList<object> messages, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            UPDATE lifecycle.operations SET {set}, updated_at = @now
            WHERE app_id = @a AND operation_id = @op AND state = @expected
            """, conn, tx);
        cmd.Parameters.AddWithValue("a", row.AppId);
        cmd.Parameters.AddWithValue("op", row.OperationId);
        cmd.Parameters.AddWithValue("expected", expectedState);
        cmd.Parameters.AddWithValue("now", now);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value);
        if (await cmd.ExecuteNonQueryAsync(ct) != 1) return false;
        await CommitWithMessagesAsync(conn, tx, messages, now, ct);
        return true;
    }

    private async Task CommitWithMessagesAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<object> messages, DateTimeOffset now, CancellationToken ct)
    {
        await Outbox.AddAsync(conn, tx, messages, now, ct);
        await tx.CommitAsync(ct);
        if (messages.Count > 0) outboxSignal.Wake();
    }

    private static async Task<IReadOnlyList<AppOperation>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var rows = new List<AppOperation>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AppOperation(
                reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), new Secret(reader.GetString(5)), reader.GetString(6), reader.GetInt32(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                reader.GetString(12), reader.GetFieldValue<DateTimeOffset>(13), reader.GetBoolean(14)));
        }
        return rows;
    }
}
