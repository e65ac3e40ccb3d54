using ExApps.Contracts;

namespace ExApps.Lifecycle.Persistence;

/// <summary>The states of an app's current operation, as stored in <c>lifecycle.operations.state</c>.</summary>
public static class OperationState
{
    public const string Heartbeat = "heartbeat";
    public const string Initializing = "initializing";
    public const string Enabling = "enabling";
    public const string Enabled = "enabled";
    public const string Failed = "failed";
}

/// <summary>One row of <c>lifecycle.operations</c>. The secret is a <see cref="Secret"/> so that printing the
/// record never shows it.</summary>
public sealed record AppOperation(
    string AppId,
    Guid OperationId,
    string Kind,
    string Version,
    string ExAppUrl,
    Secret Secret,
    string State,
    int FailedTries,
    DateTimeOffset HeartbeatDeadline,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? InitStartedAt,
    DateTimeOffset? InitDeadline,
    string LastError,
    DateTimeOffset UpdatedAt);

public static class AppOperationExtensions
{
    public static ExAppHttp.ExAppTarget ToTarget(this AppOperation row) =>
        new(row.AppId, row.Version, row.ExAppUrl, row.Secret);
}
