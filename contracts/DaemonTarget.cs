namespace ExApps.Contracts;

/// <summary>Everything a deployer needs to reach one deploy daemon and configure containers on it.</summary>
public sealed record DaemonTarget(
    string Name,
    string AcceptsDeployId,
    string Protocol,
    string Host,
    string Net,
    string ComputeDevice,
    Secret? HaproxyPassword,
    IReadOnlyList<RegistryRemap> Registries,
    IReadOnlyDictionary<string, string> AdditionalOptions,
    ResourceLimits? ResourceLimits);
