namespace ExApps.Contracts;

/// <summary>An init progress report (0..100, optional error), from the ExApp through the gateway or from the
/// lifecycle itself (an init step that does not exist counts as 100).</summary>
public sealed record InitProgress(string AppId, int Progress, string Error, DateTimeOffset ReportedAt);
