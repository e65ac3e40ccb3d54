namespace ExApps.Contracts;

/// <summary>Everything the lifecycle and the deployer need to know of an app to run an operation on it, as the
/// registry holds it when it asks for the operation (so every operation acts on current facts: a changed daemon
/// password or Nextcloud URL applies to the next one).</summary>
public sealed record AppSpec
{
    public required string AppId { get; init; }
    public required string Version { get; init; }
    public required string DisplayName { get; init; }
    public required int Port { get; init; }
    public required Secret Secret { get; init; }
    /// <summary>Where the platform reaches the ExApp (docs/protocol.md, "ExApp URL").</summary>
    public required string ExAppUrl { get; init; }
    public required string NextcloudUrl { get; init; }
    public required ImageRef Image { get; init; }
    public required DaemonTarget Daemon { get; init; }
    public IReadOnlyList<AppEnvVar> Environment { get; init; } = [];
    public IReadOnlyList<AppMount> Mounts { get; init; } = [];
    /// <summary>What the platform does when the app's container dies or vanishes while enabled (the daemon's
    /// <c>auto_recover</c>): <c>none</c> (report it), <c>restart</c> (start the container again) or <c>redeploy</c>.</summary>
    public string AutoRecover { get; init; } = "none";

    /// <summary>Manual installs run somewhere else: no container work at all.</summary>
    public bool HasContainer => Daemon.AcceptsDeployId == AppApiProtocol.DockerInstall;
}
