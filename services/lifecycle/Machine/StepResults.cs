using ExApps.Contracts;
using ExApps.Lifecycle.ExAppHttp;

namespace ExApps.Lifecycle.Machine;

/// <summary>The result of a step's call (or timer), fed back into the machine like a message. Applied only while
/// the app's lease token is still <see cref="LeaseToken"/>: a result that arrives after the step moved on (a report
/// of 100 during a slow <c>POST /init</c>, another process's late answer) changes nothing.</summary>
public abstract record StepResult(long LeaseToken);

/// <param name="EarlierFailures">Tries of the same round that failed before this answer (made in memory,
/// <see cref="Engine.StepActions"/>).</param>
public sealed record HeartbeatAnswered(long LeaseToken, bool Ok, string Error, ContainerInspected? Container,
    int EarlierFailures = 0) : StepResult(LeaseToken);

public sealed record InitAnswered(long LeaseToken, InitOutcome Outcome, string Error) : StepResult(LeaseToken);

public sealed record EnableAnswered(long LeaseToken, bool Ok, string Error) : StepResult(LeaseToken);

public sealed record DisableAnswered(long LeaseToken, string Error) : StepResult(LeaseToken);

/// <summary>A waiting step checked the app's container (null: the check itself failed, e.g. no deployer).</summary>
public sealed record ContainerChecked(long LeaseToken, ContainerInspected? Container) : StepResult(LeaseToken);

/// <summary>A waiting step is due: its deadline (or the visible-wait's patience) has passed.</summary>
public sealed record TimerFired(long LeaseToken) : StepResult(LeaseToken);

/// <summary>What the watcher of enabled apps saw (not a step result: it only counts while the app is idle).</summary>
public sealed record AppWatched(string State, string Reason, int RestartCount);
