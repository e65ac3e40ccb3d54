namespace ExApps.Contracts;

/// <summary>Published by the registry when an ExApp must be deployed (install or update). Self-contained: the
/// deployer needs nothing else. <see cref="Kind"/> is <c>install</c> or <c>update</c>.</summary>
public sealed record DeployRequested(
    Guid OperationId,
    string AppId,
    string Kind,
    string Version,
    string DisplayName,
    int Port,
    Secret Secret,
    string ExAppUrl,
    string NextcloudUrl,
    ImageRef Image,
    DaemonTarget Daemon,
    IReadOnlyList<AppEnvVar> Environment,
    IReadOnlyList<AppMount> Mounts);
