using System.ComponentModel.DataAnnotations;
using ExApps.Deployer.Deploy;

namespace ExApps.Deployer;

/// <summary>Section <c>Deployer</c>. Defaults are AppAPI's (docs/protocol.md §3); tests shorten the waits.</summary>
public sealed class DeployerOptions : IValidatableObject
{
    /// <summary>How often a deployer tries to take over following the container events of a daemon nobody follows
    /// (its follower stopped, or the engine was unreachable).</summary>
    public TimeSpan EventFollowRetry { get; set; } = TimeSpan.FromSeconds(10);

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

    /// <summary>Prepended to container and volume names (<c>&lt;prefix&gt;nc_app_&lt;appid&gt;</c>) so that two
    /// platforms can share one Docker host. Empty by default: AppAPI's names exactly.</summary>
    public string InstancePrefix { get; set; } = "";

    /// <summary>PEM file of CA certificates trusted for https engines, besides the system store (a private CA
    /// that signed the engine's or the TLS proxy's certificate).</summary>
    public string? TrustedCaFile { get; set; }

    /// <summary>PEM client certificate and key presented to https engines that require one (Docker's
    /// <c>--tlsverify</c>); both or neither.</summary>
    public string? ClientCertificateFile { get; set; }

    public string? ClientKeyFile { get; set; }

    /// <summary>Deploys one deployer process runs at once (also its prefetch), so that a burst of installs is
    /// shared with the other deployers instead of queuing behind one.</summary>
    [Range(1, 64)] public int ConcurrentDeploys { get; set; } = 4;

    /// <summary>Longest time a deploy message stays unacknowledged. RabbitMQ closes the channel of a consumer
    /// that holds a delivery longer than its <c>consumer_timeout</c> (30 min by default); a longer deploy hands a
    /// copy of its message back to the queue and goes on, and the copy finds the outcome when the deploy ends.</summary>
    public TimeSpan MaxMessageHold { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How often a deploy may start over after its deployer died before it is failed for good.</summary>
    [Range(1, 100)] public int MaxDeployAttempts { get; set; } = 3;

    /// <summary>Whether a container on the host network of an engine behind a unix socket is started only when its
    /// port does not answer on loopback already (<see cref="HostPortGuard"/>). Turn it off only for a unix socket
    /// that leads to another machine's engine.</summary>
    public bool CheckHostPorts { get; set; } = true;

    /// <summary>Seconds Docker gives an ExApp to stop before it is killed.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

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
                     (nameof(MaxMessageHold), MaxMessageHold), (nameof(StopTimeout), StopTimeout),
                 })
        {
            if (value <= TimeSpan.Zero) yield return new($"{name} must be positive.", [name]);
        }
        if (PullProgressInterval < TimeSpan.Zero)
            yield return new($"{nameof(PullProgressInterval)} must not be negative.", [nameof(PullProgressInterval)]);
        if (!AppNames.IsValidPrefix(InstancePrefix))
            yield return new($"{nameof(InstancePrefix)} may hold only letters, digits, '_', '.' and '-', and must " +
                             "start with a letter or digit.", [nameof(InstancePrefix)]);
        foreach (var (name, file) in new[]
                 {
                     (nameof(TrustedCaFile), TrustedCaFile), (nameof(ClientCertificateFile), ClientCertificateFile),
                     (nameof(ClientKeyFile), ClientKeyFile),
                 })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
                yield return new($"{name} names a file that does not exist: {file}", [name]);
        }
        if (string.IsNullOrEmpty(ClientCertificateFile) != string.IsNullOrEmpty(ClientKeyFile))
            yield return new($"{nameof(ClientCertificateFile)} and {nameof(ClientKeyFile)} go together.",
                [nameof(ClientCertificateFile), nameof(ClientKeyFile)]);
        else if (TlsFilesError() is { } tlsError)
            yield return new(tlsError, [nameof(TrustedCaFile), nameof(ClientCertificateFile), nameof(ClientKeyFile)]);
    }

    // Reading the certificates here makes a broken file stop the deployer at start, with the setting's name.
    private string? TlsFilesError()
    {
        if (new[] { TrustedCaFile, ClientCertificateFile, ClientKeyFile }.Any(f => !string.IsNullOrEmpty(f) && !File.Exists(f)))
            return null; // reported above
        try
        {
            Docker.DockerTls.From(this);
            return null;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidOperationException)
        {
            return $"The TLS files (TrustedCaFile, ClientCertificateFile, ClientKeyFile) cannot be read: {e.Message}";
        }
    }
}

/// <summary>Checks the attributes above (and <c>IValidatableObject</c>, where implemented) with code the options source
/// generator writes: ServiceDefaults/OptionsValidation.cs.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
public sealed partial class DeployerOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<DeployerOptions> { }
