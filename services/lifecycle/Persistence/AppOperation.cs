using ExApps.Contracts;

namespace ExApps.Lifecycle.Persistence;

/// <summary>The states of an app's current operation, as stored in <c>lifecycle.operations.state</c>.
/// <c>enabled</c>, <c>failed</c> and <c>disabled</c> are terminal; every other state is an operation in flight.</summary>
public static class OperationState
{
    public const string Starting = "starting";
    public const string Heartbeat = "heartbeat";
    public const string Initializing = "initializing";
    public const string Enabling = "enabling";
    public const string Enabled = "enabled";
    public const string Failed = "failed";
    public const string Disabling = "disabling";
    public const string Disabled = "disabled";

    public static bool IsTerminal(string state) => state is Enabled or Failed or Disabled;
}

/// <summary>What an operation does: <c>install</c> and <c>update</c> (from ContainerStarted) run heartbeat, init and
/// enable; <c>enable</c> (EnableApp) starts the container, heartbeat and enable; <c>disable</c> (DisableApp).</summary>
public static class OperationKind
{
    public const string Enable = "enable";
    public const string Disable = "disable";
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
    DateTimeOffset UpdatedAt,
    bool InitCalled = false);

public static class AppOperationExtensions
{
    public static ExAppHttp.ExAppTarget ToTarget(this AppOperation row) =>
        new(row.AppId, row.Version, row.ExAppUrl, row.Secret);
}

public static class NewOperation
{
    /// <summary>A row for a new operation in its first state; the store fills in the times.</summary>
    public static AppOperation Create(Guid operationId, string appId, string kind, string version, string exAppUrl,
        Contracts.Secret secret, string state, DateTimeOffset heartbeatDeadline) =>
        new(appId, operationId, kind, version, exAppUrl, secret, state, 0, heartbeatDeadline, heartbeatDeadline,
            null, null, "", heartbeatDeadline);
}
