using System.Text.Json;
using ExApps.Contracts;
using ExApps.Registry.Timeline;
using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace ExApps.Registry.Status;

/// <summary>Applies the lifecycle's snapshots to the app records: a snapshot is applied only when it is newer
/// (<see cref="AppStatusChanged.Seq"/>) than the one the record holds and belongs to the record's registration, so
/// snapshots may come late, twice or out of order and in parallel (apps are projected concurrently) without the
/// view ever going back. A removal snapshot deletes the record. It then announces <see cref="AppChanged"/> when
/// something the gateway caches changed (enabled, version, status type) or when the lifecycle waits for it.</summary>
public sealed class AppStatusProjection(NpgsqlDataSource dataSource, ILogger<AppStatusProjection> logger)
    : IConsumer<AppStatusChanged>
{
    public async Task Consume(ConsumeContext<AppStatusChanged> context)
    {
        var s = context.Message;
        var ct = context.CancellationToken;
        if (s.Removed)
        {
            if (await DeleteAsync(s, ct))
            {
                logger.LogInformation("ExApp {AppId} unregistered; its records are removed", s.AppId);
                await PublishAsync(context, new AppUnregistered(s.AppId), ct);
                await PublishAsync(context, new AppChanged(s.AppId, s.Seq), ct);
            }
            return;
        }

        var (applied, changed, held) = await ApplyAsync(s, ct);
        if (held is null)
        {
            logger.LogDebug("Snapshot {Seq} of ExApp {AppId} dropped: no such registration", s.Seq, s.AppId);
            return;
        }
        if (changed || s.AckRequested)
            await PublishAsync(context, new AppChanged(s.AppId, held.Value, CallsExpected: applied && s.AckRequested && s.Enabled), ct);
        if (!applied) logger.LogDebug("Snapshot {Seq} of ExApp {AppId} is older than the one held ({Held})", s.Seq, s.AppId, held);
    }

    /// <summary>A publish whose confirm never comes (the broker went away mid-publish) would keep this consumer
    /// running forever, and its receive endpoint could then never stop and reconnect: in one run of
    /// FaultInjectionTests' broker outage the status projection consumed nothing more after the broker was back. It
    /// fails after <see cref="ServiceDefaults.Outbox.BoundedPublish.Timeout"/> instead, and the snapshot is
    /// redelivered (applying it again changes nothing; a confirmation asked for is published again).</summary>
    private static Task PublishAsync<T>(ConsumeContext context, T message, CancellationToken ct) where T : class =>
        ServiceDefaults.Outbox.BoundedPublish.RunAsync(token => context.Publish(message, token), ct);

    /// <returns>Whether the snapshot was applied, whether what the gateway caches changed, and the sequence the
    /// record holds afterwards (null: no record of this registration). An applied snapshot adds its lines to the
    /// app's timeline in the same transaction.</returns>
    private async Task<(bool Applied, bool Changed, long? Held)> ApplyAsync(AppStatusChanged s, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            WITH old AS (
                SELECT appid, enabled, version, status->>'type' AS type, operation, last_operation, status, health
                FROM registry.apps WHERE appid = @a AND registration_id = @reg FOR UPDATE)
            UPDATE registry.apps a SET enabled = @enabled, version = @version, status = @status, status_seq = @seq,
                operation = @op, last_operation = @last, health = @health,
                requested_operation = CASE WHEN a.requested_operation->>'Id' IN (@opId, @lastId) THEN NULL
                                           ELSE a.requested_operation END
            FROM old WHERE a.appid = old.appid AND a.status_seq < @seq
            RETURNING old.enabled <> @enabled OR old.version <> @version OR old.type <> @type,
                old.operation::text, old.last_operation::text, old.status::text, old.health::text
            """, conn, tx);
        var p = cmd.Parameters;
        p.AddWithValue("a", s.AppId);
        p.AddWithValue("reg", s.RegistrationId);
        p.AddWithValue("enabled", s.Enabled);
        p.AddWithValue("version", s.Version);
        p.AddWithValue("status", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(Views.Status(s.Status)));
        p.AddWithValue("type", s.Status.Type);
        p.AddWithValue("seq", s.Seq);
        p.AddWithValue("op", NpgsqlDbType.Jsonb, s.Operation is null ? DBNull.Value : JsonSerializer.Serialize(s.Operation));
        p.AddWithValue("last", NpgsqlDbType.Jsonb, s.LastOperation is null ? DBNull.Value : JsonSerializer.Serialize(s.LastOperation));
        p.AddWithValue("health", NpgsqlDbType.Jsonb, s.Health is null ? DBNull.Value : JsonSerializer.Serialize(s.Health));
        p.AddWithValue("opId", s.Operation?.Id.ToString() ?? "");
        p.AddWithValue("lastId", s.LastOperation?.Id.ToString() ?? "");
        List<TimelineEvent>? events = null;
        var changed = false;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (await r.ReadAsync(ct))
            {
                changed = r.GetBoolean(0);
                string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
                events = SnapshotEvents.Between(Text(1), Text(2), Text(3), Text(4), s);
            }
        }
        if (events is not null)
        {
            await AppTimeline.AppendAsync(conn, tx, s.AppId, events, ct);
            await tx.CommitAsync(ct);
            return (true, changed, s.Seq);
        }
        await tx.RollbackAsync(ct);

        await using var held = new NpgsqlCommand(
            "SELECT status_seq FROM registry.apps WHERE appid = @a AND registration_id = @reg", conn);
        held.Parameters.AddWithValue("a", s.AppId);
        held.Parameters.AddWithValue("reg", s.RegistrationId);
        return (false, false, await held.ExecuteScalarAsync(ct) as long?);
    }

    private async Task<bool> DeleteAsync(AppStatusChanged s, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("DELETE FROM registry.apps WHERE appid = @a AND registration_id = @reg");
        cmd.Parameters.AddWithValue("a", s.AppId);
        cmd.Parameters.AddWithValue("reg", s.RegistrationId);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }
}

/// <summary>Apps are projected in parallel; each snapshot is one conditional update.</summary>
public sealed class AppStatusProjectionDefinition : ConsumerDefinition<AppStatusProjection>
{
    public AppStatusProjectionDefinition()
    {
        EndpointName = "registry-status-projection";
        ConcurrentMessageLimit = 16;
    }
}
