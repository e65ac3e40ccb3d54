using System.Text.Json;
using ExApps.Registry.Validation;
using Npgsql;
using NpgsqlTypes;

namespace ExApps.Registry.Timeline;

/// <summary>One line of an app's timeline. <see cref="Kind"/> says what it is (<c>requested</c>, <c>started</c>,
/// <c>step</c>, <c>init</c>, <c>outcome</c>, <c>health</c>, and the lifecycle's and deployer's events such as
/// <c>heartbeat_ok</c> or <c>deploy_failed</c>); <see cref="Step"/> is the lifecycle's step it belongs to.</summary>
public sealed record TimelineEvent(string Kind, string Message, DateTimeOffset At, Guid? OperationId = null,
    string? Step = null, object? Data = null);

/// <summary>An event as <c>GET /admin/apps/{appid}/events</c> answers it.</summary>
public sealed record TimelineEventView(long Id, DateTimeOffset At, string Kind, Guid? OperationId, string? Step,
    string Message, JsonElement? Data);

/// <summary>Writes and reads <c>registry.app_events</c>. Lines of an app that is not (or no longer) registered are
/// not written; each app keeps its newest <see cref="MaxPerApp"/> lines.</summary>
public static class AppTimeline
{
    public const int MaxPerApp = 300;

    public static async Task AppendAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string appId,
        IReadOnlyList<TimelineEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        await using var batch = new NpgsqlBatch(conn, tx);
        Add(batch, appId, events);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Adds the lines (and the trim to <see cref="MaxPerApp"/>) to the caller's batch.</summary>
    public static void Add(NpgsqlBatch batch, string appId, IReadOnlyList<TimelineEvent> events)
    {
        if (events.Count == 0) return;
        foreach (var e in events)
        {
            var cmd = new NpgsqlBatchCommand("""
                INSERT INTO registry.app_events (appid, operation_id, at, kind, step, message, data)
                SELECT appid, @op, @at, @kind, @step, @message, @data FROM registry.apps WHERE appid = @a
                """);
            cmd.Parameters.AddWithValue("a", appId);
            cmd.Parameters.AddWithValue("op", NpgsqlDbType.Uuid, e.OperationId is { } id ? id : DBNull.Value);
            cmd.Parameters.AddWithValue("at", e.At.ToUniversalTime());
            cmd.Parameters.AddWithValue("kind", e.Kind);
            cmd.Parameters.AddWithValue("step", NpgsqlDbType.Text, (object?)e.Step ?? DBNull.Value);
            cmd.Parameters.AddWithValue("message", StatusText.Bound(e.Message));
            cmd.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, e.Data is null ? DBNull.Value : JsonSerializer.Serialize(e.Data));
            batch.BatchCommands.Add(cmd);
        }
        var trim = new NpgsqlBatchCommand($"""
            DELETE FROM registry.app_events WHERE appid = @a AND id <= (
                SELECT id FROM registry.app_events WHERE appid = @a ORDER BY id DESC OFFSET {MaxPerApp} LIMIT 1)
            """);
        trim.Parameters.AddWithValue("a", appId);
        batch.BatchCommands.Add(trim);
    }

    public static async Task AppendAsync(NpgsqlDataSource dataSource, string appId, IReadOnlyList<TimelineEvent> events,
        CancellationToken ct)
    {
        if (events.Count == 0) return;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await AppendAsync(conn, null, appId, events, ct);
    }

    /// <summary>The app's newest <paramref name="limit"/> lines, oldest first (in the order they happened).</summary>
    public static async Task<List<TimelineEventView>> ReadAsync(NpgsqlDataSource dataSource, string appId, int limit,
        CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, at, kind, operation_id, step, message, data::text FROM (
                SELECT * FROM registry.app_events WHERE appid = @a ORDER BY at DESC, id DESC LIMIT @limit) e
            ORDER BY at, id
            """);
        cmd.Parameters.AddWithValue("a", appId);
        cmd.Parameters.AddWithValue("limit", limit);
        var list = new List<TimelineEventView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new TimelineEventView(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2),
                r.IsDBNull(3) ? null : r.GetGuid(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : JsonDocument.Parse(r.GetString(6)).RootElement.Clone()));
        return list;
    }
}
