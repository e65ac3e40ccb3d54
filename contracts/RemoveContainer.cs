namespace ExApps.Contracts;

/// <summary>Request to the deployer: remove the app's container (force) and, when asked, its data volume.
/// Answered with <see cref="ContainerRemoved"/>.</summary>
public sealed record RemoveContainer(string AppId, DaemonTarget Daemon, bool RemoveData);
