namespace ExApps.Contracts;

/// <summary>Command from the registry (app:disable, and before update or unregister): <c>PUT
/// /enabled?enabled=0</c>, then stop the container (null daemon for manual installs). The lifecycle answers with
/// <see cref="Disabled"/> whatever the ExApp said.</summary>
public sealed record DisableApp(Guid OperationId, ExAppEndpoint App, DaemonTarget? Daemon, bool StopContainer);
