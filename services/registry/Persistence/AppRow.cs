namespace ExApps.Registry.Persistence;

public sealed class AppRow
{
    public required string AppId { get; set; }
    public required string Name { get; set; }
    public required string Version { get; set; }
    public required string DaemonName { get; set; }
    public int Port { get; set; }
    public required string SecretEnc { get; set; }
    public bool Enabled { get; set; }
    /// <summary>The spec §2.1 status object as JSON.</summary>
    public required string Status { get; set; }
    /// <summary>The parsed app info (image, declared variables) as JSON.</summary>
    public required string Info { get; set; }
    /// <summary>The app's routes (spec §6) as JSON.</summary>
    public required string Routes { get; set; }
    /// <summary>Deploy options (env overrides, mounts) as JSON; re-applied on update.</summary>
    public required string DeployOptions { get; set; }
    public Guid OperationId { get; set; }
    /// <summary>install, update, enable or disable while one runs; null when the app is idle.</summary>
    public string? OperationKind { get; set; }
    public DateTimeOffset? OperationStartedAt { get; set; }
    /// <summary>An update's new app info (<see cref="Apps.PendingUpdate"/> as JSON) until the disable is confirmed.</summary>
    public string? PendingUpdate { get; set; }
    public long CreatedTime { get; set; }
}
