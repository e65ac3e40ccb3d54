namespace ExApps.Contracts;

public sealed record DeployFailed(Guid OperationId, string AppId, string Reason);
