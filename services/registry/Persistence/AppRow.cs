namespace ExApps.Registry.Persistence;

/// <summary>One ExApp's record. The registry writes its facts (info, routes, port, secret, deploy options); the
/// lifecycle's snapshots write its state (<see cref="Enabled"/>, <see cref="Version"/>, <see cref="Status"/>,
/// <see cref="Operation"/>, <see cref="LastOperation"/>), newest <see cref="StatusSeq"/> wins.</summary>
public sealed class AppRow
{
    public required string AppId { get; set; }
    /// <summary>This registration of the app: the lifecycle's snapshots of an earlier one never apply to it.</summary>
    public Guid RegistrationId { get; set; }
    public required string Name { get; set; }
    public required string Version { get; set; }
    public required string DaemonName { get; set; }
    public int Port { get; set; }
    public required string SecretEnc { get; set; }
    public bool Enabled { get; set; }
    /// <summary>AppAPI's status object as JSON (docs/protocol.md, "Status object").</summary>
    public required string Status { get; set; }
    public long StatusSeq { get; set; }
    /// <summary>The parsed app info (image, declared variables) as JSON.</summary>
    public required string Info { get; set; }
    /// <summary>The app's proxy routes as JSON.</summary>
    public required string Routes { get; set; }
    /// <summary>Deploy options (env overrides, mounts) as JSON; re-applied on update.</summary>
    public required string DeployOptions { get; set; }
    /// <summary>The operation the lifecycle runs for the app (<c>OperationSnapshot</c> JSON), null when idle.</summary>
    public string? Operation { get; set; }
    /// <summary>How the latest operation ended (<c>OperationOutcome</c> JSON).</summary>
    public string? LastOperation { get; set; }
    /// <summary>An operation asked of the lifecycle that it has not reported on yet (<see cref="Apps.RequestedOperation"/> JSON).</summary>
    public string? RequestedOperation { get; set; }
    /// <summary>How the app is doing while enabled (<c>AppHealth</c> JSON, from the lifecycle's snapshots).</summary>
    public string? Health { get; set; }
    public long CreatedTime { get; set; }
    /// <summary>The deployer's latest progress of the app's deploy (<c>Timeline.DeployDetail</c> JSON: bytes pulled).</summary>
    public string? DeployDetail { get; set; }
}
