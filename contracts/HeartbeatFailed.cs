namespace ExApps.Contracts;

public sealed record HeartbeatFailed(Guid OperationId, string AppId, string Reason, int FailedTries);
