using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle;

/// <summary>Timings of app operations, section <c>Lifecycle</c> (TimeSpan strings such as <c>00:10:00</c>).
/// Defaults are AppAPI's where AppAPI has one (docs/protocol.md).</summary>
public sealed class LifecycleOptions
{
    public const string Section = "Lifecycle";

    /// <summary>Base64 of a 32-byte key that encrypts ExApp secrets and daemon passwords in <c>lifecycle.apps</c>.
    /// When empty, a key is created once in <see cref="EncryptionKeyFile"/> (mode 0600). Every lifecycle replica of
    /// a platform needs the same key.</summary>
    public string EncryptionKey { get; set; } = "";

    public string EncryptionKeyFile { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "exapps", "lifecycle.key");

    /// <summary>How long after its container started the ExApp may take to answer its heartbeat.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Pause between heartbeat tries once the quick first retries (50, 100, 200, 400 ms) are spent.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a step keeps trying the heartbeat in memory before it records the failed tries (a
    /// transition, and the count the registry shows): the first round lasts <see cref="HeartbeatFirstRound"/> (or
    /// this, when shorter), the next ones as long as the heartbeat has failed so far, up to this
    /// (<see cref="Engine.StepActions.RoundLength"/>). Zero: every try is a step of its own. A round also ends when
    /// the container is due for a check, before the deadline, and when no step slot is free for its next try; it holds
    /// no slot between tries.</summary>
    public TimeSpan HeartbeatRound { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first heartbeat round: short, so that the count of the first failed tries shows soon.</summary>
    public TimeSpan HeartbeatFirstRound { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-try limit of one <c>GET /heartbeat</c>: a hanging ExApp must not stall its own retries.</summary>
    public TimeSpan HeartbeatRequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long init may take (from init start) before the app fails.</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromMinutes(40);

    /// <summary>Limit of the <c>POST /init</c> call itself (the ExApp answers at once and reports later).</summary>
    public TimeSpan InitRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit of <c>PUT /enabled?enabled=1|0</c>.</summary>
    public TimeSpan EnableTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A deploy that reports no progress for this long has lost its deployer (pull progress comes often;
    /// the longest quiet part is the container's health wait, 15 min).</summary>
    public TimeSpan DeployIdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Limit of an enable's container start (the deployer waits up to 90 s for running and 15 min for
    /// healthy).</summary>
    public TimeSpan ContainerStartTimeout { get; set; } = TimeSpan.FromMinutes(17);

    /// <summary>Limit of a disable's container stop.</summary>
    public TimeSpan ContainerStopTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Limit of an unregister's container removal.</summary>
    public TimeSpan ContainerRemoveTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a step that marked the app enabled waits for the registry to show it before it calls the
    /// ExApp anyway (the registry is down or slow).</summary>
    public TimeSpan VisibleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a starting or initializing app's container is checked for a crash. Docker's own events
    /// (a container that died or was removed) make the check at once; this is for events missed while no deployer
    /// followed the daemon.</summary>
    public TimeSpan ContainerCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit of one container check (a request to a deployer).</summary>
    public TimeSpan InspectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A lifecycle process not seen for this long is dead: its steps are taken over.</summary>
    public TimeSpan InstanceTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How often every enabled app is checked (a Docker app's container, a manual install's heartbeat).</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Apps checked at once in a watch round.</summary>
    public int WatchConcurrency { get; set; } = 16;

    /// <summary>Step calls (heartbeats, init and enable calls) one process runs at once.</summary>
    public int MaxConcurrentSteps { get; set; } = 128;
}

/// <summary>Fails the start with the name of every bad setting.</summary>
internal sealed class LifecycleOptionsValidator : IValidateOptions<LifecycleOptions>
{
    public ValidateOptionsResult Validate(string? name, LifecycleOptions o)
    {
        var failures = new List<string>();
        foreach (var (setting, value) in new (string, TimeSpan)[]
                 {
                     (nameof(o.HeartbeatTimeout), o.HeartbeatTimeout), (nameof(o.HeartbeatInterval), o.HeartbeatInterval),
                     (nameof(o.HeartbeatRequestTimeout), o.HeartbeatRequestTimeout), (nameof(o.InitTimeout), o.InitTimeout),
                     (nameof(o.InitRequestTimeout), o.InitRequestTimeout), (nameof(o.EnableTimeout), o.EnableTimeout),
                     (nameof(o.DeployIdleTimeout), o.DeployIdleTimeout), (nameof(o.ContainerStartTimeout), o.ContainerStartTimeout),
                     (nameof(o.ContainerStopTimeout), o.ContainerStopTimeout), (nameof(o.ContainerRemoveTimeout), o.ContainerRemoveTimeout),
                     (nameof(o.VisibleTimeout), o.VisibleTimeout), (nameof(o.ContainerCheckInterval), o.ContainerCheckInterval),
                     (nameof(o.InspectTimeout), o.InspectTimeout), (nameof(o.InstanceTimeout), o.InstanceTimeout),
                     (nameof(o.WatchInterval), o.WatchInterval),
                 })
        {
            // HttpClient and timers reject spans beyond ~24 days; nothing here needs that long.
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(24))
                failures.Add($"{LifecycleOptions.Section}:{setting} must be between 00:00:00 (exclusive) and 24 days, was {value}.");
        }
        foreach (var (setting, value) in new[] { (nameof(o.HeartbeatRound), o.HeartbeatRound), (nameof(o.HeartbeatFirstRound), o.HeartbeatFirstRound) })
            if (value < TimeSpan.Zero || value > TimeSpan.FromHours(1))
                failures.Add($"{LifecycleOptions.Section}:{setting} must be between 00:00:00 and 01:00:00, was {value}.");
        if (o.WatchConcurrency < 1)
            failures.Add($"{LifecycleOptions.Section}:{nameof(o.WatchConcurrency)} must be at least 1.");
        if (o.MaxConcurrentSteps < 1)
            failures.Add($"{LifecycleOptions.Section}:{nameof(o.MaxConcurrentSteps)} must be at least 1.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
