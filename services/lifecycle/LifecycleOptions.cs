using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle;

/// <summary>Timings of the heartbeat -> init -> enable flow, section <c>Lifecycle</c> (TimeSpan strings such as
/// <c>00:10:00</c>). Defaults are AppAPI's (spec §5).</summary>
public sealed class LifecycleOptions
{
    public const string Section = "Lifecycle";

    /// <summary>How long after ContainerStarted the ExApp may take to answer its heartbeat.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Pause between heartbeat tries once the quick first retries (50, 100, 200, 400 ms) are spent.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-try limit of one <c>GET /heartbeat</c>: a hanging ExApp must not stall its own retries.</summary>
    public TimeSpan HeartbeatRequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long init may take (from init start) before the app fails.</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromMinutes(40);

    /// <summary>Limit of the <c>POST /init</c> call itself (the ExApp answers at once and reports later).</summary>
    public TimeSpan InitRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit of <c>PUT /enabled?enabled=1</c>.</summary>
    public TimeSpan EnableTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Limit of an enable's container start (StartContainer to the deployer, which waits up to 90 s for
    /// running and 15 min for healthy).</summary>
    public TimeSpan ContainerStartTimeout { get; set; } = TimeSpan.FromMinutes(17);

    /// <summary>Limit of a disable's container stop (StopContainer to the deployer).</summary>
    public TimeSpan ContainerStopTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the outbox is checked for events a stopped process left unpublished (events of this
    /// process go out at once).</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the database is scanned for expired inits and abandoned enables and init calls.</summary>
    public TimeSpan TimeoutScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Apps driven at once by one process (heartbeat, init call and enable of each run in parallel).</summary>
    public int MaxConcurrentApps { get; set; } = 64;
}

/// <summary>Fails the start with the name of every bad setting.</summary>
internal sealed class LifecycleOptionsValidator : IValidateOptions<LifecycleOptions>
{
    public ValidateOptionsResult Validate(string? name, LifecycleOptions o)
    {
        var failures = new List<string>();
        Positive(failures, nameof(o.HeartbeatTimeout), o.HeartbeatTimeout);
        Positive(failures, nameof(o.HeartbeatInterval), o.HeartbeatInterval);
        Positive(failures, nameof(o.HeartbeatRequestTimeout), o.HeartbeatRequestTimeout);
        Positive(failures, nameof(o.InitTimeout), o.InitTimeout);
        Positive(failures, nameof(o.InitRequestTimeout), o.InitRequestTimeout);
        Positive(failures, nameof(o.EnableTimeout), o.EnableTimeout);
        Positive(failures, nameof(o.TimeoutScanInterval), o.TimeoutScanInterval);
        Positive(failures, nameof(o.ContainerStartTimeout), o.ContainerStartTimeout);
        Positive(failures, nameof(o.ContainerStopTimeout), o.ContainerStopTimeout);
        Positive(failures, nameof(o.OutboxPollInterval), o.OutboxPollInterval);
        if (o.MaxConcurrentApps < 1)
            failures.Add($"{LifecycleOptions.Section}:{nameof(o.MaxConcurrentApps)} must be at least 1.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string setting, TimeSpan value)
    {
        // HttpClient and timers reject spans beyond ~24 days; nothing in this flow needs that long.
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(24))
            failures.Add($"{LifecycleOptions.Section}:{setting} must be between 00:00:00 (exclusive) and 24 days, was {value}.");
    }
}
