namespace ExApps.Contracts;

/// <summary>Deploy progress 0..100 of an operation, from the deployer; the lifecycle turns it into the status
/// object's <c>deploy</c> (docs/protocol.md, "Status object").</summary>
public sealed record DeployProgress(Guid OperationId, string AppId, int Progress);
