using System.ComponentModel.DataAnnotations;

namespace ExApps.Deployer;

/// <summary>Section <c>Deployer</c>. Defaults are AppAPI's (spec §3); tests shorten the waits.</summary>
public sealed class DeployerOptions : IValidatableObject
{
    public const string Section = "Deployer";

    private static readonly string[] RestartPolicies = ["no", "always", "unless-stopped", "on-failure"];

    /// <summary>Docker restart policy of ExApp containers.</summary>
    [Required] public string RestartPolicy { get; set; } = "unless-stopped";

    /// <summary>How long a started container may take to report <c>State.Status == running</c>.</summary>
    public TimeSpan RunningTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a container's health check may stay <c>starting</c>.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Interval of the running and health polls.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Highest Docker Engine API version this client speaks; the engine's own version caps it.</summary>
    [Required] public string MaxApiVersion { get; set; } = "1.44";

    /// <summary>Timeout of one ordinary Engine API call (not of a streamed image pull).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Minimum time between two pull progress events.</summary>
    public TimeSpan PullProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!RestartPolicies.Contains(RestartPolicy))
            yield return new($"{nameof(RestartPolicy)} must be one of: {string.Join(", ", RestartPolicies)}.",
                [nameof(RestartPolicy)]);
        if (!Version.TryParse(MaxApiVersion, out var v) || v.Build != -1)
            yield return new($"{nameof(MaxApiVersion)} must look like 1.44.", [nameof(MaxApiVersion)]);
        foreach (var (name, value) in new[]
                 {
                     (nameof(RunningTimeout), RunningTimeout), (nameof(HealthTimeout), HealthTimeout),
                     (nameof(PollInterval), PollInterval), (nameof(RequestTimeout), RequestTimeout),
                 })
        {
            if (value <= TimeSpan.Zero) yield return new($"{name} must be positive.", [name]);
        }
        if (PullProgressInterval < TimeSpan.Zero)
            yield return new($"{nameof(PullProgressInterval)} must not be negative.", [nameof(PullProgressInterval)]);
    }
}
