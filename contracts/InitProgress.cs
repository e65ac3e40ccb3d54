namespace ExApps.Contracts;

/// <summary>An init progress report of an ExApp (0..100, optional error), published by the gateway for the
/// authenticated ExApp; judged by the lifecycle alone, against the app's current operation.</summary>
public sealed record InitProgress(string AppId, int Progress, string Error, DateTimeOffset ReportedAt);
