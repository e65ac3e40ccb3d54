using System.Text.Json;
using ExApps.Contracts;
using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace ExApps.Registry.Timeline;

/// <summary>Writes the lifecycle's and the deployer's events into the app's timeline, at the time they were sent:
/// the heartbeat (after how many failed tries), init and enable failures, enabled, disabled, the container's
/// milestones and deploy failures. The deployer's pull progress also becomes the app's <c>deploy_detail</c>
/// (bytes downloaded), which live views show beside the deploy bar.</summary>
public sealed class TimelineConsumer(NpgsqlDataSource dataSource) :
    IConsumer<HeartbeatOk>, IConsumer<HeartbeatFailed>, IConsumer<InitFailed>, IConsumer<Enabled>,
    IConsumer<EnableFailed>, IConsumer<Disabled>, IConsumer<DeployFailed>, IConsumer<ContainerStarted>,
    IConsumer<DeployProgress>
{
    public Task Consume(ConsumeContext<HeartbeatOk> c) => Append(c, c.Message.AppId, c.Message.OperationId, "heartbeat_ok",
        c.Message.FailedTries == 0 ? "Heartbeat answered at the first try"
            : $"Heartbeat answered after {c.Message.FailedTries} failed {(c.Message.FailedTries == 1 ? "try" : "tries")}",
        "heartbeat", new { failed_tries = c.Message.FailedTries });

    public Task Consume(ConsumeContext<HeartbeatFailed> c) => Append(c, c.Message.AppId, c.Message.OperationId, "heartbeat_failed",
        $"Heartbeat failed after {c.Message.FailedTries} tries: {c.Message.Reason}", "heartbeat", new { failed_tries = c.Message.FailedTries });

    public Task Consume(ConsumeContext<InitFailed> c) => Append(c, c.Message.AppId, c.Message.OperationId, "init_failed",
        $"Init failed: {c.Message.Reason}", "initializing");

    public Task Consume(ConsumeContext<Enabled> c) => Append(c, c.Message.AppId, c.Message.OperationId, "enabled",
        "Enabled: the ExApp accepted PUT /enabled", "enabling");

    public Task Consume(ConsumeContext<EnableFailed> c) => Append(c, c.Message.AppId, c.Message.OperationId, "enable_failed",
        $"Enable failed: {c.Message.Reason}", "enabling");

    public Task Consume(ConsumeContext<Disabled> c) => Append(c, c.Message.AppId, c.Message.OperationId, "disabled",
        c.Message.Error.Length > 0 ? $"Disabled (the ExApp answered: {c.Message.Error})" : "Disabled", "disabling");

    public Task Consume(ConsumeContext<DeployFailed> c) => Append(c, c.Message.AppId, c.Message.OperationId, "deploy_failed",
        $"Deploy failed: {c.Message.Reason}", "deploying");

    public Task Consume(ConsumeContext<ContainerStarted> c) => Append(c, c.Message.AppId, c.Message.OperationId, "container_started",
        $"Container of version {c.Message.Version} started and ready", "deploying");

    public async Task Consume(ConsumeContext<DeployProgress> c)
    {
        var m = c.Message;
        var detail = new DeployDetail(m.OperationId, m.Progress, m.Stage, m.PulledBytes, m.TotalBytes);
        await using var cmd = dataSource.CreateCommand("""
            UPDATE registry.apps SET deploy_detail = @d
            WHERE appid = @a AND (deploy_detail IS NULL OR deploy_detail->>'operation_id' <> @op
                                  OR (deploy_detail->>'progress')::int <= @progress)
            """);
        cmd.Parameters.AddWithValue("a", m.AppId);
        cmd.Parameters.AddWithValue("d", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(detail, DeployDetail.Json));
        cmd.Parameters.AddWithValue("op", m.OperationId.ToString());
        cmd.Parameters.AddWithValue("progress", m.Progress);
        await cmd.ExecuteNonQueryAsync(c.CancellationToken);

        var line = m.Stage switch
        {
            // (the pull's own report carries its bytes; later reports of the same stage do not)
            "pulled" when m.TotalBytes is null => null,
            "pulled" => m.TotalBytes > 0 ? $"Image pulled: {DeployDetail.Size(m.TotalBytes.Value)} downloaded"
                : "Image pulled: it was on the engine already",
            "created" => "Container created",
            "running" => "Container running",
            _ => null,
        };
        if (line is not null)
            await Append(c, m.AppId, m.OperationId, "container_" + m.Stage, line, "deploying",
                m.Stage == "pulled" ? new { pulled_bytes = m.PulledBytes, total_bytes = m.TotalBytes } : null);
    }

    private Task Append(ConsumeContext c, string appId, Guid operationId, string kind, string message, string step,
        object? data = null) =>
        AppTimeline.AppendAsync(dataSource, appId,
            [new TimelineEvent(kind, message, c.SentTime is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : DateTimeOffset.UtcNow,
                operationId, step, data)], c.CancellationToken);
}

/// <summary>Every registry process records the timeline once: one queue, shared.</summary>
public sealed class TimelineConsumerDefinition : ConsumerDefinition<TimelineConsumer>
{
    public TimelineConsumerDefinition()
    {
        EndpointName = "registry-timeline";
        ConcurrentMessageLimit = 8;
    }
}

/// <summary>The deployer's latest progress of an app's deploy, as the app's view carries it (<c>deploy_detail</c>).</summary>
public sealed record DeployDetail(Guid OperationId, int Progress, string? Stage, long? PulledBytes, long? TotalBytes)
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Size(long bytes) => bytes switch
    {
        >= 1 << 30 => $"{bytes / (double)(1 << 30):0.0} GiB",
        >= 1 << 20 => $"{bytes / (double)(1 << 20):0.0} MiB",
        >= 1 << 10 => $"{bytes / (double)(1 << 10):0.0} KiB",
        _ => $"{bytes} B",
    };
}
