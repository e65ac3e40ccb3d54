namespace ExApps.Contracts;

/// <summary>Published by the deployer that follows a Docker engine's events: an ExApp container died
/// (<see cref="Action"/> <c>die</c>, with its exit code), ran out of memory (<c>oom</c>), started again (<c>start</c>)
/// or was removed (<c>destroy</c>) — also when that happened behind the platform's back.</summary>
public sealed record ContainerStateChanged(string AppId, string DaemonName, string Action, int ExitCode, DateTimeOffset At);
