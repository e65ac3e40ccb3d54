namespace ExApps.Contracts;

/// <summary>Command from the registry (app:enable): start the container if needed (null daemon for manual
/// installs), wait running + health, heartbeat, <c>PUT /enabled?enabled=1</c>. The lifecycle answers with
/// <see cref="Enabled"/> or <see cref="EnableFailed"/>.</summary>
public sealed record EnableApp(Guid OperationId, ExAppEndpoint App, DaemonTarget? Daemon);
