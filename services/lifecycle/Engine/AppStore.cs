using System.Text.Json;
using ExApps.Contracts;
using ExApps.Lifecycle.Machine;
using Npgsql;
using NpgsqlTypes;

namespace ExApps.Lifecycle.Engine;

/// <summary>The <c>lifecycle.apps</c> table: one row per app (see <see cref="AppState"/>), its secrets sealed
/// (<see cref="Persistence.SpecSeal"/>).</summary>
public sealed class AppStore(NpgsqlDataSource dataSource, Persistence.SpecSeal seal)
{
    private const string Columns = "app_id, registration_id, seq, spec, enabled, version, status, op_id, op_kind, " +
        "op_started_at, step, op_data, due_at, deadline, tries, lease_token, barrier_seq, last_op, health, secrets_sealed";

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>The app's row, locked until the transaction ends; null when the app is unknown.</summary>
    public async Task<AppState?> LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string appId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM lifecycle.apps WHERE app_id = @a FOR UPDATE", conn, tx);
        cmd.Parameters.AddWithValue("a", appId);
        return (await ReadAllAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>Records a request's operation id; false when it was seen before (a redelivery).</summary>
    public static async Task<bool> FirstSightAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid operationId,
        string appId, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO lifecycle.seen_operations (operation_id, app_id, seen_at) VALUES (@op, @a, @now)
            ON CONFLICT (operation_id) DO NOTHING
            """, conn, tx);
        cmd.Parameters.AddWithValue("op", operationId);
        cmd.Parameters.AddWithValue("a", appId);
        cmd.Parameters.AddWithValue("now", now);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The write of the row after a transition, for the caller's batch (the transition's messages go in
    /// the same round trip); the step's lease ends with it, unless the transition leased its next step to
    /// <paramref name="leaseOwner"/> at once (the step then runs in that process).</summary>
    public NpgsqlBatchCommand SaveCommand(AppState a, DateTimeOffset now, Guid? leaseOwner = null)
    {
        var cmd = new NpgsqlBatchCommand($"""
            INSERT INTO lifecycle.apps ({Columns}, lease_owner, updated_at)
            VALUES (@a, @reg, @seq, @spec, @enabled, @version, @status, @op, @kind, @opat, @step, @data, @due,
                    @deadline, @tries, @token, @barrier, @last, @health, true, @owner, @now)
            ON CONFLICT (app_id) DO UPDATE SET registration_id = excluded.registration_id, seq = excluded.seq,
                spec = excluded.spec, enabled = excluded.enabled, version = excluded.version,
                status = excluded.status, op_id = excluded.op_id, op_kind = excluded.op_kind,
                op_started_at = excluded.op_started_at, step = excluded.step, op_data = excluded.op_data,
                due_at = excluded.due_at, deadline = excluded.deadline, tries = excluded.tries,
                lease_token = excluded.lease_token, barrier_seq = excluded.barrier_seq, last_op = excluded.last_op,
                health = excluded.health,
                lease_owner = excluded.lease_owner, updated_at = excluded.updated_at, secrets_sealed = true
            """);
        var p = cmd.Parameters;
        p.AddWithValue("a", a.AppId);
        p.AddWithValue("reg", a.RegistrationId);
        p.AddWithValue("seq", a.Seq);
        p.AddWithValue("spec", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(seal.Seal(a.Spec)));
        p.AddWithValue("enabled", a.Enabled);
        p.AddWithValue("version", a.Version);
        p.AddWithValue("status", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(a.Status));
        p.AddWithValue("op", (object?)a.OpId ?? DBNull.Value);
        p.AddWithValue("kind", (object?)a.OpKind ?? DBNull.Value);
        p.AddWithValue("opat", (object?)a.OpStartedAt ?? DBNull.Value);
        p.AddWithValue("step", a.Step);
        p.AddWithValue("data", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(seal.Seal(a.Data)));
        p.AddWithValue("due", (object?)a.DueAt ?? DBNull.Value);
        p.AddWithValue("deadline", (object?)a.Deadline ?? DBNull.Value);
        p.AddWithValue("tries", a.Tries);
        p.AddWithValue("token", a.LeaseToken);
        p.AddWithValue("barrier", a.BarrierSeq);
        p.AddWithValue("last", NpgsqlDbType.Jsonb, a.LastOp is null ? DBNull.Value : JsonSerializer.Serialize(a.LastOp));
        p.AddWithValue("health", NpgsqlDbType.Jsonb, a.Health is null ? DBNull.Value : JsonSerializer.Serialize(a.Health));
        p.AddWithValue("now", now);
        p.AddWithValue("owner", NpgsqlDbType.Uuid, (object?)leaseOwner ?? DBNull.Value);
        return cmd;
    }

    /// <summary>The delete of an app's row, for the caller's batch.</summary>
    public static NpgsqlBatchCommand DeleteCommand(string appId) =>
        new("DELETE FROM lifecycle.apps WHERE app_id = @a") { Parameters = { new NpgsqlParameter<string>("a", appId) } };

    /// <summary>Claims up to <paramref name="limit"/> rows whose step is due, or whose lease belongs to a process
    /// that is no longer alive, by leasing them to <paramref name="owner"/> until <paramref name="leaseUntil"/> and
    /// bumping their token. Another replica skips rows being claimed (SKIP LOCKED).</summary>
    /// <remarks>Committed asynchronously (no wait for the WAL flush; this is on the path of every step): a claim a
    /// PostgreSQL crash loses leaves the row due with its old token, so the step runs again and the result of the
    /// lost claim is ignored as late, as after any crash (steps are safe to repeat). The next synchronous commit
    /// flushes it anyway.</remarks>
    public async Task<IReadOnlyList<AppState>> ClaimDueAsync(Guid owner, DateTimeOffset now, DateTimeOffset leaseUntil,
        DateTimeOffset aliveSince, int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var setting = new NpgsqlCommand("SELECT set_config('synchronous_commit', 'off', true)", conn, tx))
            await setting.ExecuteNonQueryAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            UPDATE lifecycle.apps a SET due_at = @lease, lease_token = a.lease_token + 1, lease_owner = @owner
            FROM (SELECT app_id FROM lifecycle.apps x
                  WHERE x.due_at <= @now
                     OR (x.lease_owner IS NOT NULL AND x.lease_owner <> @owner AND NOT EXISTS
                         (SELECT 1 FROM lifecycle.instances i WHERE i.id = x.lease_owner AND i.seen_at >= @alive))
                  ORDER BY x.due_at LIMIT @limit FOR UPDATE SKIP LOCKED) due
            WHERE a.app_id = due.app_id
            RETURNING {string.Join(", ", Columns.Split(", ").Select(c => "a." + c))}
            """, conn, tx);
        cmd.Parameters.AddWithValue("lease", leaseUntil);
        cmd.Parameters.AddWithValue("owner", owner);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("alive", aliveSince);
        cmd.Parameters.AddWithValue("limit", limit);
        var claimed = await ReadAllAsync(cmd, ct);
        await tx.CommitAsync(ct);
        return claimed;
    }

    /// <summary>The enabled apps with no operation in flight (the watcher's round).</summary>
    public async Task<IReadOnlyList<AppState>> EnabledIdleAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM lifecycle.apps WHERE enabled AND step = 'idle'");
        return await ReadAllAsync(cmd, ct);
    }

    /// <summary>When the earliest step is due (null: none waits).</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT min(due_at) FROM lifecycle.apps WHERE due_at IS NOT NULL");
        return await cmd.ExecuteScalarAsync(ct) is DateTime due ? new DateTimeOffset(due, TimeSpan.Zero) : null;
    }

    /// <summary>The app's step as last committed, without a lock (null: unknown app).</summary>
    public async Task<string?> StepOfAsync(string appId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT step FROM lifecycle.apps WHERE app_id = @a");
        cmd.Parameters.AddWithValue("a", appId);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public async Task<AppState?> FindAsync(string appId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM lifecycle.apps WHERE app_id = @a");
        cmd.Parameters.AddWithValue("a", appId);
        return (await ReadAllAsync(cmd, ct)).SingleOrDefault();
    }

    private async Task<IReadOnlyList<AppState>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var rows = new List<AppState>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            rows.Add(new AppState
            {
                AppId = r.GetString(0),
                RegistrationId = r.GetGuid(1),
                Seq = r.GetInt64(2),
                Spec = Unsealed(JsonSerializer.Deserialize<AppSpec>(r.GetString(3))!, r.GetBoolean(19)),
                Enabled = r.GetBoolean(4),
                Version = r.GetString(5),
                Status = JsonSerializer.Deserialize<StatusObject>(r.GetString(6))!,
                OpId = r.IsDBNull(7) ? null : r.GetGuid(7),
                OpKind = r.IsDBNull(8) ? null : r.GetString(8),
                OpStartedAt = r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
                Step = r.GetString(10),
                Data = Unsealed(JsonSerializer.Deserialize<OperationData>(r.GetString(11))!, r.GetBoolean(19)),
                DueAt = r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12),
                Deadline = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
                Tries = r.GetInt32(14),
                LeaseToken = r.GetInt64(15),
                BarrierSeq = r.GetInt64(16),
                LastOp = r.IsDBNull(17) ? null : JsonSerializer.Deserialize<OperationOutcome>(r.GetString(17)),
                Health = r.IsDBNull(18) ? null : JsonSerializer.Deserialize<AppHealth>(r.GetString(18)),
            });
        }
        return rows;
    }

    private AppSpec Unsealed(AppSpec spec, bool isSealed) => isSealed ? seal.Open(spec) : spec;

    private OperationData Unsealed(OperationData data, bool isSealed) => isSealed ? seal.Open(data) : data;
}
