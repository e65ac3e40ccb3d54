using ExApps.Contracts;
using Npgsql;

namespace ExApps.Lifecycle.Persistence;

/// <summary>All reads and writes of <c>lifecycle.operations</c>. Every transition is a conditional UPDATE on
/// (app, operation, expected state) that reports whether it happened: a duplicate or late event, or a second
/// replica, finds the row already moved on and changes nothing, and only the caller that won publishes.</summary>
public sealed class OperationStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = "app_id, operation_id, kind, version, exapp_url, secret, state, failed_tries, " +
        "heartbeat_deadline, next_attempt_at, init_started_at, init_deadline, last_error, updated_at";

    /// <summary>Starts the heartbeat of a new operation, replacing the app's previous one. False when the row
    /// already holds this operation (a redelivered ContainerStarted).</summary>
    public async Task<bool> StartHeartbeatAsync(ContainerStarted started, DateTimeOffset deadline, CancellationToken ct)
    {
        const string sql = $"""
            INSERT INTO lifecycle.operations AS o ({Columns})
            VALUES (@a, @op, @kind, @version, @url, @secret, 'heartbeat', 0, @deadline, @now, NULL, NULL, '', @now)
            ON CONFLICT (app_id) DO UPDATE SET
                operation_id = excluded.operation_id, kind = excluded.kind, version = excluded.version,
                exapp_url = excluded.exapp_url, secret = excluded.secret, state = 'heartbeat', failed_tries = 0,
                heartbeat_deadline = excluded.heartbeat_deadline, next_attempt_at = excluded.next_attempt_at,
                init_started_at = NULL, init_deadline = NULL, last_error = '', updated_at = excluded.updated_at
            WHERE o.operation_id <> excluded.operation_id
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue("a", started.AppId);
        cmd.Parameters.AddWithValue("op", started.OperationId);
        cmd.Parameters.AddWithValue("kind", started.Kind);
        cmd.Parameters.AddWithValue("version", started.Version);
        cmd.Parameters.AddWithValue("url", started.ExAppUrl);
        cmd.Parameters.AddWithValue("secret", started.Secret.Value);
        cmd.Parameters.AddWithValue("deadline", deadline);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

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

    /// <summary>Records a failed heartbeat try and when to try again.</summary>
    public Task<bool> RecordHeartbeatRetryAsync(AppOperation row, int failedTries, DateTimeOffset nextAttempt,
        string error, CancellationToken ct) =>
        UpdateAsync(row, OperationState.Heartbeat,
            "failed_tries = @n, next_attempt_at = @next, last_error = @err",
            ct, ("n", failedTries), ("next", nextAttempt), ("err", error));

    /// <summary>Gives a claimed heartbeat back at once (the process is stopping mid-try).</summary>
    public Task<bool> ReleaseHeartbeatAsync(AppOperation row, CancellationToken ct) =>
        UpdateAsync(row, OperationState.Heartbeat, "next_attempt_at = @now", ct);

    public Task<bool> FailHeartbeatAsync(AppOperation row, int failedTries, string error, CancellationToken ct) =>
        UpdateAsync(row, OperationState.Heartbeat, "state = 'failed', failed_tries = @n, last_error = @err",
            ct, ("n", failedTries), ("err", error));

    /// <summary>heartbeat -> initializing, stamping the init start and deadline.</summary>
    public Task<bool> StartInitAsync(AppOperation row, DateTimeOffset startedAt, DateTimeOffset deadline,
        CancellationToken ct) =>
        UpdateAsync(row, OperationState.Heartbeat,
            "state = 'initializing', init_started_at = @started, init_deadline = @deadline, last_error = ''",
            ct, ("started", startedAt), ("deadline", deadline));

    /// <summary>Moves the operation from <paramref name="from"/> to <paramref name="to"/>, recording
    /// <paramref name="error"/> when one is given.</summary>
    public Task<bool> TransitionAsync(AppOperation row, string from, string to, CancellationToken ct,
        string? error = null) =>
        error is null
            ? UpdateAsync(row, from, "state = @to", ct, ("to", to))
            : UpdateAsync(row, from, "state = @to, last_error = @err", ct, ("to", to), ("err", error));

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

    /// <summary>Claims rows left in <c>enabling</c> since <paramref name="untouchedSince"/> or earlier (their
    /// enabler died) by touching them, so that one caller re-enables each.</summary>
    public async Task<IReadOnlyList<AppOperation>> ClaimAbandonedEnablesAsync(DateTimeOffset untouchedSince,
        CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            UPDATE lifecycle.operations SET updated_at = @now
            WHERE state = 'enabling' AND updated_at <= @since
            RETURNING {Columns}
            """);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        cmd.Parameters.AddWithValue("since", untouchedSince);
        return await ReadAllAsync(cmd, ct);
    }

    public async Task<bool> DeleteAsync(string appId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("DELETE FROM lifecycle.operations WHERE app_id = @a");
        cmd.Parameters.AddWithValue("a", appId);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    private async Task<bool> UpdateAsync(AppOperation row, string expectedState, string set, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var cmd = dataSource.CreateCommand($"""
            UPDATE lifecycle.operations SET {set}, updated_at = @now
            WHERE app_id = @a AND operation_id = @op AND state = @expected
            """);
        cmd.Parameters.AddWithValue("a", row.AppId);
        cmd.Parameters.AddWithValue("op", row.OperationId);
        cmd.Parameters.AddWithValue("expected", expectedState);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
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
                reader.GetString(12), reader.GetFieldValue<DateTimeOffset>(13)));
        }
        return rows;
    }
}
