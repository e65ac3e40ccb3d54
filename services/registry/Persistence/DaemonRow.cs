namespace ExApps.Registry.Persistence;

public sealed class DaemonRow
{
    public required string Name { get; set; }
    public required string DisplayName { get; set; }
    public required string AcceptsDeployId { get; set; }
    public required string Protocol { get; set; }
    public required string Host { get; set; }
    /// <summary>deploy_config as JSON, without the password (that lives encrypted in its own column).</summary>
    public required string DeployConfig { get; set; }
    public string? HaproxyPasswordEnc { get; set; }
    public bool IsDefault { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
