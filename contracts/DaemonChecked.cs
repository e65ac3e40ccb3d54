namespace ExApps.Contracts;

/// <summary><see cref="Message"/> says why an engine is unreachable in words an operator can act on.</summary>
public sealed record DaemonChecked(bool Reachable, string Message, string? ApiVersion);
