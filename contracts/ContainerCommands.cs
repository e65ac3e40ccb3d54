namespace ExApps.Contracts;

// Container work the lifecycle asks of the deployers. Each is answered by an event carrying the same operation
// id, so the lifecycle waits durably (a restart of either side loses nothing) instead of holding a request open.

/// <summary>Start the app's container and wait until it runs and its health check passes.</summary>
public sealed record StartContainer(Guid OperationId, string AppId, DaemonTarget Daemon);

/// <summary>Stop the app's container.</summary>
public sealed record StopContainer(Guid OperationId, string AppId, DaemonTarget Daemon);

/// <summary>Remove the app's container (force) and, when <see cref="RemoveData"/>, its data volume.</summary>
public sealed record RemoveContainer(Guid OperationId, string AppId, DaemonTarget Daemon, bool RemoveData);

/// <summary>Answer to <see cref="StartContainer"/>; <see cref="Error"/> is empty when the container runs.</summary>
public sealed record ContainerRunning(Guid OperationId, string AppId, string Error, int RestartCount);

/// <summary>Answer to <see cref="StopContainer"/>; <see cref="Error"/> is empty when it is stopped.</summary>
public sealed record ContainerStopped(Guid OperationId, string AppId, bool WasRunning, string Error);

/// <summary>Answer to <see cref="RemoveContainer"/>; <see cref="Error"/> is empty when it is gone.</summary>
public sealed record ContainerRemoved(Guid OperationId, string AppId, bool ContainerExisted, bool VolumeRemoved,
    string Error);

/// <summary>Request to a deployer (answered with <see cref="ContainerInspected"/>): the state of the app's
/// container and, when it is not running, its last <see cref="LogLines"/> log lines.</summary>
public sealed record InspectContainer(string AppId, DaemonTarget Daemon, int LogLines);

/// <summary>The state of an app's container as the engine reports it.</summary>
public sealed record ContainerInspected
{
    public required string AppId { get; init; }
    public bool Exists { get; init; }
    public bool Running { get; init; }
    /// <summary>Docker's state: created, running, restarting, exited, dead ...</summary>
    public string Status { get; init; } = "";
    public int ExitCode { get; init; }
    public int RestartCount { get; init; }
    public bool OomKilled { get; init; }
    public string Error { get; init; } = "";
    public string Logs { get; init; } = "";
}
