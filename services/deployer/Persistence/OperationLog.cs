using Npgsql;

namespace ExApps.Deployer.Persistence;

/// <summary>What the deployer remembers of one deploy operation (see <see cref="DeployerSchema"/>).</summary>
public sealed record OperationRecord(
    int Attempts,
    int? LastProgress,
    string? ReplacedImageId,
    string? ReplacedImageRef,
    string? Outcome,
    string? Reason)
{
    public const string Started = "started";
    public const string Failed = "failed";

    public bool Finished => Outcome is not null;
}

/// <summary>The <c>deployer.operations</c> table. Callers hold the app's lock, so the read-then-write steps here
/// never race for one operation.</summary>
public sealed class OperationLog(DeployerDatabase database)
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    /// <summary>Counts one more attempt of an unfinished operation (the first creates the record); a finished one
    /// is returned as it is.</summary>
    public async Task<OperationRecord> BeginAsync(Guid operationId, string appId, CancellationToken ct)
    {
        await using var conn = await database.Pooled.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO deployer.operations AS o (operation_id, app_id) VALUES (@id, @app)
            ON CONFLICT (operation_id) DO UPDATE
              SET attempts = o.attempts + CASE WHEN o.outcome IS NULL THEN 1 ELSE 0 END
            RETURNING attempts, last_progress, replaced_image_id, replaced_image_ref, outcome, reason
            """, conn);
        cmd.Parameters.AddWithValue("id", operationId);
        cmd.Parameters.AddWithValue("app", appId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new OperationRecord(reader.GetInt32(0), Int(reader, 1), Text(reader, 2), Text(reader, 3),
            Text(reader, 4), Text(reader, 5));
    }

    public Task RecordProgressAsync(Guid operationId, int progress, CancellationToken ct) =>
        ExecAsync("UPDATE deployer.operations SET last_progress = GREATEST(COALESCE(last_progress, 0), @p) WHERE operation_id = @id",
            operationId, ct, ("p", progress));

    /// <summary>Keeps the first image recorded: a later attempt only sees the half-made container of an earlier one.</summary>
    public Task RecordReplacedImageAsync(Guid operationId, string imageId, string? reference, CancellationToken ct) =>
        ExecAsync("""
            UPDATE deployer.operations SET replaced_image_id = @img, replaced_image_ref = @ref
            WHERE operation_id = @id AND replaced_image_id IS NULL
            """, operationId, ct, ("img", imageId), ("ref", (object?)reference ?? DBNull.Value));

    public Task FinishAsync(Guid operationId, string outcome, string? reason, CancellationToken ct) =>
        ExecAsync("""
            UPDATE deployer.operations SET outcome = @outcome, reason = @reason, finished_at = now()
            WHERE operation_id = @id AND outcome IS NULL
            """, operationId, ct, ("outcome", outcome), ("reason", (object?)reason ?? DBNull.Value));

    /// <summary>Forgets operations finished long ago: a message is never redelivered that late.</summary>
    public Task PruneAsync(CancellationToken ct) =>
        ExecAsync("DELETE FROM deployer.operations WHERE finished_at < now() - @age", Guid.Empty, ct, ("age", Retention));

    private async Task ExecAsync(string sql, Guid operationId, CancellationToken ct, params (string, object)[] args)
    {
        await using var conn = await database.Pooled.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        if (sql.Contains("@id", StringComparison.Ordinal)) cmd.Parameters.AddWithValue("id", operationId);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static int? Int(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
