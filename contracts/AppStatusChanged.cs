namespace ExApps.Contracts;

/// <summary>The lifecycle's view of one app after a change: a versioned snapshot, not a delta. <see cref="Seq"/>
/// grows with every change of the app, so the registry applies a snapshot only when it is newer than the one it
/// holds; snapshots may arrive late, twice or out of order (and are coalesced: only the latest of a burst may be
/// sent) without the projection ever going back.</summary>
public sealed record AppStatusChanged
{
    public required string AppId { get; init; }
    public required Guid RegistrationId { get; init; }
    public required long Seq { get; init; }
    public required bool Enabled { get; init; }
    /// <summary>The version the platform uses for calls to the ExApp (raised by EX-APP-VERSION reports).</summary>
    public required string Version { get; init; }
    public required AppStatusSnapshot Status { get; init; }
    /// <summary>The operation in flight, or null when the app is idle.</summary>
    public OperationSnapshot? Operation { get; init; }
    /// <summary>How the most recent operation ended (null while the first one runs).</summary>
    public OperationOutcome? LastOperation { get; init; }
    /// <summary>How the app is doing while enabled and idle (null while disabled or in an operation).</summary>
    public AppHealth? Health { get; init; }
    /// <summary>The app is unregistered: the registry deletes its records.</summary>
    public bool Removed { get; init; }
    /// <summary>The lifecycle waits for this snapshot to be visible (the app is being marked enabled before the
    /// ExApp is called): the registry answers with <see cref="AppChanged"/>.</summary>
    public bool AckRequested { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>AppAPI's status object (docs/protocol.md, "Status object").</summary>
public sealed record AppStatusSnapshot
{
    public int Deploy { get; init; }
    public int Init { get; init; }
    public string Action { get; init; } = "";
    public string Type { get; init; } = "";
    public string Error { get; init; } = "";
    public long DeployStartTime { get; init; }
    public long InitStartTime { get; init; }
    public int HeartbeatCount { get; init; }
}

/// <summary>An operation in flight: its kind (install, update, enable, disable, unregister) and current step.</summary>
public sealed record OperationSnapshot(Guid Id, string Kind, string Step, DateTimeOffset StartedAt);

/// <summary>How an operation ended: <see cref="Outcome"/> is <c>enabled</c>, <c>disabled</c>, <c>failed</c>,
/// <c>refused</c> (another operation was in flight) or <c>removed</c>.</summary>
public sealed record OperationOutcome(Guid Id, string Kind, string Outcome, string Error, DateTimeOffset EndedAt);
