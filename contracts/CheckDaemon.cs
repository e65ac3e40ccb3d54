namespace ExApps.Contracts;

/// <summary>Request to a deployer: can the daemon's engine be reached (<c>GET /_ping</c>, 3 s)? Answered with
/// <see cref="DaemonChecked"/>.</summary>
public sealed record CheckDaemon(DaemonTarget Daemon);
