using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ExApps.Registry.TestDeploy;

/// <summary>One test deploy (<c>registry.test_deploys</c>): kept after its app is gone, so its result can be read.</summary>
public sealed record TestDeployRecord(string Appid, string Daemon, Guid? OperationId, DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt, DateTimeOffset? RemovedAt, string? Outcome, string? FailedStep, string Error,
    string RemovalError, List<TestDeployStep> Steps)
{
    /// <summary><c>running</c>, <c>removing</c> (ended, its app is being removed), <c>passed</c> or <c>failed</c>.</summary>
    public string State => RemovedAt is null ? FinishedAt is null ? "running" : "removing"
        : Outcome == "enabled" && RemovalError.Length == 0 ? "passed" : "failed";

    public TestDeployView ToView() => new(Appid, Daemon, OperationId, State, StartedAt, FinishedAt, RemovedAt,
        FailedStep, Error, RemovalError, Steps);
}

/// <summary>What <c>GET /admin/daemons/{name}/test-deploy</c> answers.</summary>
public sealed record TestDeployView(string Appid, string Daemon, Guid? OperationId, string State, DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt, DateTimeOffset? RemovedAt, string? FailedStep, string Error, string RemovalError,
    List<TestDeployStep> Steps);

public static class TestDeployRecords
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private const string Columns =
        "appid, daemon_name, operation_id, started_at, finished_at, removed_at, outcome, failed_step, error, removal_error, steps::text";

    public static async Task<TestDeployRecord?> LatestAsync(NpgsqlDataSource db, string daemon, CancellationToken ct) =>
        (await QueryAsync(db, $"SELECT {Columns} FROM registry.test_deploys WHERE daemon_name = @p ORDER BY started_at DESC LIMIT 1", daemon, ct))
            .FirstOrDefault();

    public static async Task<TestDeployRecord?> GetAsync(NpgsqlDataSource db, string appId, CancellationToken ct) =>
        (await QueryAsync(db, $"SELECT {Columns} FROM registry.test_deploys WHERE appid = @p", appId, ct)).FirstOrDefault();

    /// <summary>Test deploys whose app is not removed yet.</summary>
    public static Task<List<TestDeployRecord>> ActiveAsync(NpgsqlDataSource db, CancellationToken ct) =>
        QueryAsync(db, $"SELECT {Columns} FROM registry.test_deploys WHERE removed_at IS NULL", null, ct);

    /// <summary>Starts a test deploy; false when the daemon has one that is not removed yet.</summary>
    public static async Task<bool> TryStartAsync(NpgsqlDataSource db, string appId, string daemon, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO registry.test_deploys (appid, daemon_name, started_at) VALUES (@a, @d, @now)
            ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.AddWithValue("a", appId);
        cmd.Parameters.AddWithValue("d", daemon);
        cmd.Parameters.AddWithValue("now", now);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public static Task ExecuteAsync(NpgsqlDataSource db, string sql, CancellationToken ct, params (string, object?)[] args) =>
        RunAsync(db, sql, args, ct);

    public static string StepsJson(List<TestDeployStep> steps) => JsonSerializer.Serialize(steps, Json);

    private static async Task<int> RunAsync(NpgsqlDataSource db, string sql, (string, object?)[] args, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var (name, value) in args)
            cmd.Parameters.Add(value is string s && name == "steps"
                ? new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = s }
                : new NpgsqlParameter(name, value ?? DBNull.Value));
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs an update and says whether it changed a row (claims: only one registry process wins).</summary>
    public static async Task<bool> ClaimAsync(NpgsqlDataSource db, string sql, CancellationToken ct, params (string, object?)[] args) =>
        await RunAsync(db, sql, args, ct) == 1;

    private static async Task<List<TestDeployRecord>> QueryAsync(NpgsqlDataSource db, string sql, string? p, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        if (p is not null) cmd.Parameters.AddWithValue("p", p);
        var list = new List<TestDeployRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            DateTimeOffset? Time(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
            string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            list.Add(new TestDeployRecord(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2),
                r.GetFieldValue<DateTimeOffset>(3), Time(4), Time(5), Text(6), Text(7), r.GetString(8), r.GetString(9),
                JsonSerializer.Deserialize<List<TestDeployStep>>(r.GetString(10), Json) ?? []));
        }
        return list;
    }
}
