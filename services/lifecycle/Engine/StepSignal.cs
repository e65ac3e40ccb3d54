using ExApps.Lifecycle.Machine;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Lifecycle.Engine;

/// <summary>A step became due now (a transition scheduled a call): the worker claims it at once. It also carries
/// the steps the <see cref="OperationEngine"/> leased to this process in the very transaction that made them due
/// (<see cref="TryReserve"/>): those run straight after that commit, without a claim transaction of their own
/// (docs/performance.md, install latency). The worker is woken only when it would otherwise be late: for a step due
/// before the end of its sleep (<see cref="Due"/>), and for a freed slot while due steps wait for one
/// (<see cref="Starved"/>), not after every step: each wake costs a claim transaction and a query.</summary>
public sealed class StepSignal : WakeSignal
{
    private Func<AppState, Task>? _run;
    private int _busy;
    private int _max;
    // When the worker polls next (UTC ticks); MaxValue while it is awake, claiming: any due step then wakes it again.
    private long _sleepsUntil = long.MaxValue;
    private volatile bool _starved;

    /// <summary>The worker is running: it runs leased steps with <paramref name="run"/>, at most
    /// <paramref name="maxConcurrent"/> steps at once together with the ones it claims itself.</summary>
    internal void Attach(Func<AppState, Task> run, int maxConcurrent)
    {
        _max = maxConcurrent;
        _run = run;
    }

    /// <summary>Steps running now in this process (claimed by the worker or leased by the engine).</summary>
    internal int Busy => Volatile.Read(ref _busy);

    internal int Free => _run is null ? 0 : Math.Max(0, _max - Busy);

    internal void Add(int steps) => Interlocked.Add(ref _busy, steps);

    internal void Done() => Interlocked.Decrement(ref _busy);

    /// <summary>A running step gives its slot back (it ended, or it waits without calling anything): a worker that
    /// left due steps for want of a slot is woken.</summary>
    internal void Release()
    {
        Done();
        if (_starved) Wake();
    }

    /// <summary>Due steps were left for want of a free slot (by a claim, or by a transition that could not lease
    /// its step): a step that ends wakes the worker.</summary>
    internal bool Starved { get => _starved; set => _starved = value; }

    /// <summary>The worker sleeps until <paramref name="until"/> unless woken.</summary>
    internal void Sleeping(DateTimeOffset until) => Volatile.Write(ref _sleepsUntil, until.UtcTicks);

    /// <summary>The worker is awake: it reads what is due after this.</summary>
    internal void Awake() => Volatile.Write(ref _sleepsUntil, long.MaxValue);

    /// <summary>A committed transition made a step due at <paramref name="due"/> without leasing it: wakes the worker
    /// when it would otherwise sleep past it.</summary>
    public void Due(DateTimeOffset due)
    {
        if (due.UtcTicks < Volatile.Read(ref _sleepsUntil)) Wake();
    }

    /// <summary>Takes a slot for a step the engine leases in its transaction; false when the worker is not running
    /// (not started yet, or stopping) or every slot is taken: the step is then left due for a claim.</summary>
    public bool TryReserve()
    {
        if (_run is null) return false;
        while (true)
        {
            var busy = Volatile.Read(ref _busy);
            if (busy >= _max) { _starved = true; return false; }
            if (Interlocked.CompareExchange(ref _busy, busy + 1, busy) == busy) return true;
        }
    }

    /// <summary>Gives back a slot <see cref="TryReserve"/> took, when the transaction did not commit.</summary>
    public void Unreserve() => Done();

    /// <summary>After the commit that leased <paramref name="app"/>'s step: runs it (the slot is the worker's now).</summary>
    public void Run(AppState app)
    {
        if (_run is { } run) _ = run(app);
        else Done(); // the worker stopped meanwhile: the lease runs out and the step is claimed again
    }

    internal void Detach() => _run = null;
}
