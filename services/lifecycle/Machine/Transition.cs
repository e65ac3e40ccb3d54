using ExApps.Contracts;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Lifecycle.Machine;

/// <summary>What a rule may do to an app: change its step, status and flags, and announce messages. Everything it
/// does is written in one transaction, with the messages in the outbox (docs/flows.md).</summary>
public sealed class Transition(AppState app, DateTimeOffset now, LifecycleOptions options)
{
    private readonly List<OutboxMessage> _messages = [];
    private readonly List<(LogLevel Level, string Template, object?[] Args)> _logs = [];

    public AppState App { get; } = app;
    public DateTimeOffset Now { get; } = now;
    public long NowSeconds => Now.ToUnixTimeSeconds();
    public LifecycleOptions Options { get; } = options;
    public StatusObject Status => App.Status;

    internal IReadOnlyList<OutboxMessage> Messages => _messages;
    internal IReadOnlyList<(LogLevel Level, string Template, object?[] Args)> Logs => _logs;
    /// <summary>The snapshot this transition writes must be visible before the app goes on.</summary>
    internal bool AckRequested { get; private set; }
    internal bool Removed { get; private set; }
    /// <summary>What to count once the transition committed.</summary>
    internal List<Action<ServiceDefaults.Telemetry.PlatformMetrics>> Counts { get; } = [];

    public Guid Operation => App.OpId ?? Guid.Empty;

    /// <summary>Moves to <paramref name="step"/>: its call runs after <paramref name="dueIn"/> (none: it waits for
    /// a message), it gives up after <paramref name="deadlineIn"/>. Results of the previous step are void.</summary>
    public Transition GoTo(string step, TimeSpan? dueIn = null, TimeSpan? deadlineIn = null)
    {
        App.Step = step;
        App.Deadline = deadlineIn is { } d ? Now + d : null;
        var due = dueIn is { } wait ? Now + wait : (DateTimeOffset?)null;
        // Never due after the deadline: a container check set further off than the step's limit (the init step's
        // check with a short init timeout) must not hold the step past that limit.
        App.DueAt = due is null || App.Deadline < due ? App.Deadline : due;
        App.Tries = 0;
        App.LeaseToken++;
        return this;
    }

    /// <summary>Runs the current step's call again at <paramref name="at"/> (never after its deadline).</summary>
    public Transition RetryAt(DateTimeOffset at)
    {
        App.DueAt = App.Deadline is { } d && at > d ? d : at;
        return this;
    }

    /// <summary>Like <see cref="GoTo"/>, and the step goes on only once the registry has applied this change
    /// (<see cref="AppChanged"/>), or after <see cref="LifecycleOptions.VisibleTimeout"/> in any case.</summary>
    public Transition WaitUntilVisible(string step)
    {
        GoTo(step, deadlineIn: Options.VisibleTimeout);
        AckRequested = true;
        return this;
    }

    public Transition Send(object command)
    {
        _messages.Add(OutboxMessage.Command(command));
        return this;
    }

    public Transition Publish(object @event)
    {
        _messages.Add(OutboxMessage.Event(@event));
        return this;
    }

    public Transition Log(LogLevel level, string template, params object?[] args)
    {
        _logs.Add((level, template, args));
        return this;
    }

    /// <summary>Starts an operation acting on <paramref name="spec"/> (the app's current facts).</summary>
    public Transition Begin(Guid operationId, string kind, AppSpec spec)
    {
        App.OpId = operationId;
        App.OpKind = kind;
        App.OpStartedAt = Now;
        App.Data = new OperationData();
        App.Spec = spec;
        if (ExAppVersion.IsGreater(spec.Version, App.Version) || kind == OperationKind.Install) App.Version = spec.Version;
        if (kind is OperationKind.Install or OperationKind.Update) Counts.Add(m => m.InstallStarted(App.AppId));
        return Log(LogLevel.Information, "ExApp {AppId}: {Kind} {OperationId} begins", App.AppId, kind, operationId);
    }

    /// <summary>Ends the operation in flight with <paramref name="outcome"/>; the app is idle again.</summary>
    public Transition Finish(string outcome, string error = "")
    {
        App.LastOp = new OperationOutcome(Operation, App.OpKind ?? "", outcome, error, Now);
        if (App.OpKind is OperationKind.Install or OperationKind.Update && App.OpStartedAt is { } began)
        {
            var (appId, took, stage) = (App.AppId, Now - began, Stage(App.Step));
            Counts.Add(outcome == Outcome.Enabled ? m => m.InstallFinished(appId, took) : m => m.InstallFailed(appId, stage, took));
        }
        // Watched from here on while enabled; the restarts the container had before count as its baseline.
        App.Health = !App.Enabled ? null
            : outcome == Outcome.Enabled ? new AppHealth(AppHealth.Ok, "", Now, App.Data.RestartBaseline)
            : App.Health;
        Log(error.Length == 0 ? LogLevel.Information : LogLevel.Warning,
            "ExApp {AppId}: {Kind} {OperationId} ended {Outcome} {Error}", App.AppId, App.OpKind, Operation, outcome, error);
        App.OpId = null;
        App.OpKind = null;
        App.OpStartedAt = null;
        App.Data = new OperationData();
        GoTo(Step.Idle);
        return this;
    }

    /// <summary>The operation failed: the error shows in the status, the app is disabled.</summary>
    public Transition Fail(string reason)
    {
        Status.Error = string.IsNullOrWhiteSpace(reason) ? "Unknown error" : Bounded(reason);
        App.Enabled = false;
        return Finish(Outcome.Failed, Status.Error);
    }

    private static string Stage(string step) => step switch
    {
        Step.Deploying or Step.Starting => "deploy",
        Step.Heartbeat => "heartbeat",
        Step.InitVisible or Step.CallingInit or Step.Initializing => "init",
        Step.EnableVisible or Step.Enabling => "enable",
        _ => "disable",
    };

    /// <summary>Error text comes from outside (an ExApp's report or answer, a Docker error, container logs): kept at
    /// most 4096 characters with control characters escaped (docs/security.md).</summary>
    public static string Bounded(string text)
    {
        const int max = 4096;
        var escaped = ServiceDefaults.Security.SafeText.EscapeControls(text);
        return escaped.Length <= max ? escaped : escaped[..(max - 20)] + " …(truncated)";
    }

    /// <summary>A request that arrived while another operation runs (unregister excepted) is refused, and says so.</summary>
    public Transition Refuse(Guid operationId, string kind)
    {
        var reason = $"ExApp {App.AppId} is busy: its {App.OpKind} is still in progress ({App.Step}); " +
                     $"{kind} it once that has finished";
        App.LastOp = new OperationOutcome(operationId, kind, Outcome.Refused, reason, Now);
        return Log(LogLevel.Warning, "{Reason}", reason);
    }

    /// <summary>The app is gone: its row is deleted and the registry removes its records.</summary>
    public Transition Remove(string note = "")
    {
        Removed = true;
        App.Enabled = false;
        return Finish(Outcome.Removed, note);
    }
}
