namespace ExApps.Contracts;

/// <summary>The ExApp answered its heartbeat after <see cref="FailedTries"/> failed tries.</summary>
public sealed record HeartbeatOk(Guid OperationId, string AppId, int FailedTries);
