namespace ExApps.Contracts;

/// <summary>A heartbeat try failed and the heartbeat goes on: <see cref="FailedTries"/> so far, so that the status's
/// <c>heartbeat_count</c> grows while an ExApp starts (published by the lifecycle after every failed try).</summary>
public sealed record HeartbeatProgress(Guid OperationId, string AppId, int FailedTries);
