namespace ExApps.Contracts;

public sealed record InitFailed(Guid OperationId, string AppId, string Reason);
