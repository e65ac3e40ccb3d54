using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Lifecycle.Engine;

/// <summary>A step became due now (a transition scheduled a call): the worker claims it at once.</summary>
public sealed class StepSignal : WakeSignal;
