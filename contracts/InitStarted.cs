namespace ExApps.Contracts;

/// <summary>Init progress 0: the app is marked enabled before <c>POST /init</c> so it may call the platform.</summary>
public sealed record InitStarted(Guid OperationId, string AppId);
