namespace ExApps.Contracts;

/// <summary>Sent by the lifecycle when an ExApp must be deployed (install or update). Self-contained: the
/// deployer needs nothing else. <see cref="Kind"/> is <c>install</c> or <c>update</c>. Answered with
/// <see cref="DeployProgress"/> events, then <see cref="ContainerStarted"/> or <see cref="DeployFailed"/>.</summary>
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
