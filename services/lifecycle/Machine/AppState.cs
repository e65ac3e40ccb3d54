using ExApps.Contracts;

namespace ExApps.Lifecycle.Machine;

/// <summary>One app as the lifecycle holds it (<c>lifecycle.apps</c>): its facts, its status object, and the
/// operation in flight with the step it is at. Changed only inside a transition (under the row's lock).</summary>
public sealed class AppState
{
    public required string AppId { get; init; }
    public required Guid RegistrationId { get; init; }
    public long Seq { get; set; }
    /// <summary>The app as the latest request described it (the update's new spec once its deploy starts).</summary>
    public required AppSpec Spec { get; set; }
    public bool Enabled { get; set; }
    /// <summary>The version sent as EX-APP-VERSION (raised when the ExApp reports a greater one).</summary>
    public required string Version { get; set; }
    public StatusObject Status { get; set; } = new();

    public Guid? OpId { get; set; }
    public string? OpKind { get; set; }
    public DateTimeOffset? OpStartedAt { get; set; }
    public string Step { get; set; } = Machine.Step.Idle;
    public OperationData Data { get; set; } = new();

    /// <summary>When the step's call or timer runs next (null: only a message moves it).</summary>
    public DateTimeOffset? DueAt { get; set; }
    /// <summary>When the step gives up.</summary>
    public DateTimeOffset? Deadline { get; set; }
    /// <summary>Failed tries in this step (the heartbeat's count).</summary>
    public int Tries { get; set; }
    /// <summary>Grows with every claim of the step and every step change: a call's result is applied only if the
    /// token is still the one it was claimed with.</summary>
    public long LeaseToken { get; set; }
    /// <summary>The snapshot the registry must have applied before a visible-wait step goes on.</summary>
    public long BarrierSeq { get; set; }
    public OperationOutcome? LastOp { get; set; }
    /// <summary>How the app is doing while enabled and idle (null otherwise).</summary>
    public AppHealth? Health { get; set; }

    public bool InFlight => OpId is not null;
}

/// <summary>What an operation carries from one step to another.</summary>
public sealed class OperationData
{
    /// <summary>An update's new app, deployed once the old one is stopped.</summary>
    public AppSpec? PendingSpec { get; set; }
    public bool RemoveData { get; set; }
    public bool Force { get; set; }
    /// <summary>The container's restart count when it was (re)started: more means it crashed meanwhile.</summary>
    public int RestartBaseline { get; set; }
    /// <summary>What the ExApp answered to <c>PUT /enabled?enabled=0</c>, reported once the container stopped.</summary>
    public string DisableError { get; set; } = "";
    /// <summary>When the container was last checked (heartbeat and init check it now and then).</summary>
    public DateTimeOffset? ContainerCheckedAt { get; set; }
    /// <summary>A recovery's way back: <c>restart</c> the container or <c>redeploy</c> it.</summary>
    public string RecoverMode { get; set; } = "";

    /// <summary>A copy with another pending spec (the stored copy carries it sealed).</summary>
    public OperationData WithPendingSpec(AppSpec? spec)
    {
        var copy = (OperationData)MemberwiseClone();
        copy.PendingSpec = spec;
        return copy;
    }
}
