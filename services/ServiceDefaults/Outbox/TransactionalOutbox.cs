using System.Diagnostics;
using System.Text.Json;
using ExApps.Contracts;
using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace ExApps.ServiceDefaults.Outbox;

/// <summary>One service's outbox table (<c>&lt;schema&gt;.outbox</c>): the messages a change announces are written
/// in the transaction that makes the change, and <see cref="OutboxPublisher"/> publishes them after the commit. A
/// process that dies in between, or a broker that is down, loses nothing: what is left goes out later (at least
/// once; consumers are idempotent).</summary>
public sealed class TransactionalOutbox(OutboxSettings settings, NpgsqlDataSource dataSource)
{
    private static readonly System.Reflection.Assembly Contracts = typeof(AppSpec).Assembly;

    /// <summary>The activity a publish from the outbox runs in: a child of the one that wrote the message (its W3C
    /// trace parent is stored with it), so that the message's headers carry the original trace and one install
    /// stays one trace across the services although the publish happens later, maybe in another process.</summary>
    public static readonly ActivitySource Source = new("ExApps.Outbox");

    public WakeSignal Signal { get; } = new();

    public string Schema => settings.Schema;

    /// <summary>The table, as a migration of the owning schema.</summary>
    public static SqlMigration Migration(int version, string schema) => new(version, $"""
        CREATE TABLE IF NOT EXISTS {schema}.outbox (
            id           bigserial PRIMARY KEY,
            message_type text NOT NULL,
            body         jsonb NOT NULL,
            created_at   timestamptz NOT NULL
        );
        ALTER TABLE {schema}.outbox ADD COLUMN IF NOT EXISTS mandatory boolean NOT NULL DEFAULT false;
        ALTER TABLE {schema}.outbox ADD COLUMN IF NOT EXISTS coalesce_key text NULL;
        ALTER TABLE {schema}.outbox ADD COLUMN IF NOT EXISTS revision int NOT NULL DEFAULT 0;
        CREATE UNIQUE INDEX IF NOT EXISTS outbox_coalesce_key ON {schema}.outbox (coalesce_key);
        """);

    /// <summary>The trace context column (added after <see cref="Migration"/> was first applied: a migration of its
    /// own, so databases made before it get it too).</summary>
    public static SqlMigration TraceMigration(int version, string schema) =>
        new(version, $"ALTER TABLE {schema}.outbox ADD COLUMN IF NOT EXISTS trace_parent text NULL;");

    /// <summary>Adds <paramref name="messages"/> inside the caller's transaction. Call <see cref="Committed"/>
    /// after the commit so they go out at once.</summary>
    public async Task AddAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<OutboxMessage> messages,
        DateTimeOffset now, CancellationToken ct)
    {
        if (messages.Count == 0) return;
        await using var batch = new NpgsqlBatch(conn, tx);
        Add(batch, messages, now);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Adds the inserts of <paramref name="messages"/> to the caller's <paramref name="batch"/>, so that
    /// they reach PostgreSQL in the same round trip as the caller's own writes (the lifecycle writes its app row and
    /// its messages this way). Call <see cref="Committed"/> after the commit.</summary>
    public void Add(NpgsqlBatch batch, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now)
    {
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
        foreach (var m in messages)
        {
            var type = m.Message.GetType();
            if (type.Assembly != Contracts) throw new ArgumentException($"{type} is not a contract message.");
            var upsert = m.CoalesceKey is null ? "" : m.StickyFlag is null
                ? "ON CONFLICT (coalesce_key) DO UPDATE SET body = excluded.body, created_at = excluded.created_at, " +
                  "revision = o.revision + 1, trace_parent = excluded.trace_parent"
                : "ON CONFLICT (coalesce_key) DO UPDATE SET created_at = excluded.created_at, revision = o.revision + 1, " +
                  "trace_parent = excluded.trace_parent, " +
                  $"body = CASE WHEN (o.body->>'{m.StickyFlag}')::boolean " +
                  $"THEN jsonb_set(excluded.body, '{{{m.StickyFlag}}}', 'true') ELSE excluded.body END";
            var cmd = new NpgsqlBatchCommand($"""
                INSERT INTO {settings.Schema}.outbox AS o (message_type, body, created_at, mandatory, coalesce_key, trace_parent)
                VALUES (@t, @b, @now, @m, @k, @tp) {upsert}
                """);
            cmd.Parameters.AddWithValue("t", type.FullName!);
            cmd.Parameters.AddWithValue("b", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(m.Message, type));
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("m", m.Mandatory);
            cmd.Parameters.AddWithValue("k", (object?)m.CoalesceKey ?? DBNull.Value);
            cmd.Parameters.AddWithValue("tp", (object?)traceParent ?? DBNull.Value);
            batch.BatchCommands.Add(cmd);
        }
    }

    public void Committed() => Signal.Wake();

    /// <summary>Publishes up to <paramref name="limit"/> waiting messages (concurrently, with publisher confirms)
    /// and deletes those the broker took; returns how many went out and how many are left behind (a mandatory
    /// message nobody consumes yet, or a broker error). One process publishes at a time (an advisory lock), so that
    /// replicas never publish the same row twice at once. A round that finds another replica's round under way
    /// waits for it to end (at most <see cref="OutboxSettings.LockWait"/>, then it returns (0, 0)) and then takes
    /// whatever that round left, the rows committed meanwhile among them. It used to give up at once and read the
    /// rows anyway: with two lifecycle replicas, more than half of their rounds were such reads thrown away, and the
    /// rows committed during the other's round waited for the next wake or poll (docs/performance.md).</summary>
    public async Task<(int Published, int Failed)> PublishPendingAsync(IPublishEndpoint bus, int limit,
        CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Asynchronous commit for this transaction only (it deletes what was published): a delete that a PostgreSQL
        // crash loses means the rows go out once more, which at-least-once delivery allows, and the publisher's next
        // round does not wait for a WAL flush (a few ms, more on a busy disk; docs/performance.md).
        // The lock and the read go in one round trip; the read runs once the lock is held, so it sees every row
        // committed before that, those of the round waited for included.
        var pending = new List<(long Id, int Revision, string Type, string Body, bool Mandatory, string? TraceParent)>();
        await using (var round = new NpgsqlBatch(conn, tx)
                     {
                         BatchCommands =
                         {
                             new("SELECT set_config('synchronous_commit', 'off', true), set_config('lock_timeout', @wait, true)")
                             {
                                 Parameters = { new NpgsqlParameter<string>("wait", $"{Math.Max(1, (long)settings.LockWait.TotalMilliseconds)}ms") },
                             },
                             new($"SELECT pg_advisory_xact_lock(hashtext('{settings.Schema}-outbox'))"),
                             new($"SELECT id, revision, message_type, body::text, mandatory, trace_parent FROM {settings.Schema}.outbox ORDER BY id LIMIT @limit")
                             {
                                 Parameters = { new NpgsqlParameter<int>("limit", limit) },
                             },
                         },
                     })
        {
            try
            {
                await using var reader = await round.ExecuteReaderAsync(ct);
                await reader.NextResultAsync(ct);
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                    pending.Add((reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                return (0, 0); // another replica's round took longer than LockWait (a broker that does not confirm)
            }
        }
        if (pending.Count == 0) return (0, 0);

        var results = await Task.WhenAll(pending.Select(async p =>
        {
            try
            {
                var type = Contracts.GetType(p.Type, throwOnError: true)!;
                var message = JsonSerializer.Deserialize(p.Body, type)!;
                using var activity = ActivityContext.TryParse(p.TraceParent, null, out var parent)
                    ? Source.StartActivity("outbox publish " + type.Name, ActivityKind.Producer, parent)
                    : null;
                // A publish whose confirm never comes (a channel the client lost mid-publish) must not hold the
                // outbox up forever: it fails after BoundedPublish.Timeout and is retried with the rest.
                await BoundedPublish.RunAsync(token => p.Mandatory
                    ? bus.PublishCommand(message, type, token)
                    : bus.Publish(message, type, token), ct);
                return (p.Id, p.Revision, Ok: true);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                return (p.Id, p.Revision, Ok: false);
            }
        }));

        var sent = results.Where(r => r.Ok).ToArray();
        if (sent.Length > 0)
        {
            // A coalesced message replaced while it was being published (its revision moved on) stays: the newer
            // content goes out in the next round.
            await using var delete = new NpgsqlCommand(
                $"DELETE FROM {settings.Schema}.outbox o USING unnest(@ids, @revs) AS s(id, rev) " +
                "WHERE o.id = s.id AND o.revision = s.rev", conn, tx);
            delete.Parameters.AddWithValue("ids", sent.Select(r => r.Id).ToArray());
            delete.Parameters.AddWithValue("revs", sent.Select(r => r.Revision).ToArray());
            await delete.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (sent.Length, results.Length - sent.Length);
    }

    /// <summary>How many messages wait (for health and metrics).</summary>
    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT count(*) FROM {settings.Schema}.outbox");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>Which schema holds a service's outbox, and how it is drained.</summary>
public sealed record OutboxSettings(string Schema)
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    public int BatchSize { get; init; } = 200;

    /// <summary>How long a round waits for another replica's round to end before it gives up until its next wake
    /// or poll. A round lasts a few milliseconds, or up to <see cref="BoundedPublish.Timeout"/> while the broker does
    /// not confirm.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(15);
}
