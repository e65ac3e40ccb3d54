namespace ExApps.Contracts;

/// <summary>Request to a deployer: the last <see cref="Tail"/> lines of the app container's stdout and stderr.
/// Answered with <see cref="ContainerLogs"/>.</summary>
public sealed record GetContainerLogs(string AppId, DaemonTarget Daemon, int Tail);
