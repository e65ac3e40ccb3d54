namespace ExApps.Contracts;

/// <summary>The app is disabled; <see cref="Error"/> is what the ExApp answered, if anything went wrong.</summary>
public sealed record Disabled(Guid OperationId, string AppId, string Error);
