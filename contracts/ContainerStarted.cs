namespace ExApps.Contracts;

/// <summary>The ExApp runs (container running and healthy, or a manual install declared ready): deploy is 100 and
/// the lifecycle takes over with the heartbeat.</summary>
public sealed record ContainerStarted(
    Guid OperationId,
    string AppId,
    string Kind,
    string Version,
    string ExAppUrl,
    Secret Secret);
