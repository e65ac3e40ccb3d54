namespace ExApps.Contracts;

/// <summary>The ExApp accepted <c>PUT /enabled?enabled=1</c>: the operation is complete.</summary>
public sealed record Enabled(Guid OperationId, string AppId);
