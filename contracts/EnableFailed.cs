namespace ExApps.Contracts;

public sealed record EnableFailed(Guid OperationId, string AppId, string Reason);
