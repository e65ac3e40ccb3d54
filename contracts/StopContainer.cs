namespace ExApps.Contracts;

/// <summary>Request to a deployer: stop the app's container. Answered with <see cref="ContainerStopped"/>.</summary>
public sealed record StopContainer(string AppId, DaemonTarget Daemon);
