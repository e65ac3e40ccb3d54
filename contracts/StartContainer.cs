namespace ExApps.Contracts;

/// <summary>Request to a deployer: start the app's container and wait until it runs and is healthy. Answered with
/// <see cref="ContainerRunning"/>, or a fault whose message is the reason.</summary>
public sealed record StartContainer(string AppId, DaemonTarget Daemon);
