namespace ExApps.Contracts;

/// <summary>Deploy progress 0..100 of an operation (spec §2.1 rules are applied by the registry).</summary>
public sealed record DeployProgress(Guid OperationId, string AppId, int Progress);
