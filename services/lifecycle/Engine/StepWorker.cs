using ExApps.Lifecycle.Machine;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Engine;

/// <summary>Runs the steps that are due: claims their rows (leased to this process), runs each step's call in
/// parallel (up to <see cref="LifecycleOptions.MaxConcurrentSteps"/>), and applies the results through the
/// <see cref="OperationEngine"/>. A step whose process died is claimed again as soon as that process stops
/// showing signs of life (<see cref="LiveInstances"/>), whatever its lease says, so a crash costs seconds.</summary>
public sealed class StepWorker(
    AppStore store,
    StepActions actions,
    OperationEngine engine,
    StepSignal signal,
    LiveInstances instances,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<StepWorker> logger) : BackgroundService
{
    /// <summary>The longest a claimed step may run before another process may take it over while this one still
    /// lives.</summary>
    public static TimeSpan LeaseOf(LifecycleOptions o) =>
        Max(Max(o.HeartbeatRound + o.HeartbeatRequestTimeout + o.InspectTimeout, o.InitRequestTimeout), o.EnableTimeout)
        + TimeSpan.FromSeconds(10);

    private TimeSpan Lease => LeaseOf(o);

    private LifecycleOptions o => options.Value;
    // The steps running now, claimed here or leased by the engine (signal.Run), awaited when the process stops.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, bool> _running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await instances.WaitForStartAsync(lifetime, stoppingToken);
            signal.Attach(app => Track(RunAsync(app, stoppingToken)), o.MaxConcurrentSteps);
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = await ClaimAndRunAsync(stoppingToken);
                signal.Sleeping(clock.GetUtcNow() + wait);
                await signal.WaitAsync(wait, clock, stoppingToken);
                signal.Awake();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            signal.Detach();
            await Task.WhenAll(_running.Keys);
        }
    }

    /// <summary>A step started (its slot taken): kept until it ends, then its slot is free again.</summary>
    private Task Track(Task step)
    {
        _running[step] = true;
        _ = step.ContinueWith(t =>
        {
            _running.TryRemove(t, out _);
            signal.Release(); // (wakes the worker when due steps wait for this slot)
        }, TaskScheduler.Default);
        return step;
    }

    /// <summary>Starts every due step it may, and says how long to sleep before the next one is due.</summary>
    private async Task<TimeSpan> ClaimAndRunAsync(CancellationToken ct)
    {
        try
        {
            signal.Starved = false;
            var free = signal.Free;
            if (free <= 0)
            {
                signal.Starved = true; // a finishing step wakes the loop
                return signal.Free > 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(100); // (or just finished)
            }
            var now = clock.GetUtcNow();
            var claimed = await store.ClaimDueAsync(instances.Id, now, now + Lease, now - o.InstanceTimeout, free, ct);
            signal.Add(claimed.Count);
            if (claimed.Count >= free) signal.Starved = true; // more may be due than there were slots
            foreach (var app in claimed)
                _ = Track(Task.Run(() => RunAsync(app, ct), CancellationToken.None));

            var next = await store.NextDueAsync(ct);
            var wait = next is null ? MaxSleep : next.Value - clock.GetUtcNow();
            // a due row we could not claim is being claimed by another replica: don't spin on it
            var floor = TimeSpan.FromMilliseconds(claimed.Count > 0 ? 0 : 20);
            return wait < floor ? floor : wait > MaxSleep ? MaxSleep : wait;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError("Claiming due steps failed: {Error}; retrying", e.Message);
            return TimeSpan.FromSeconds(1);
        }
    }

    // Rows of a dead process must be noticed even when nothing else is due.
    private TimeSpan MaxSleep => o.InstanceTimeout / 2;

    private async Task RunAsync(AppState app, CancellationToken ct)
    {
        try
        {
            var result = await actions.RunAsync(app, ct);
            // While PostgreSQL is away (a restart takes seconds) the result is applied again until the step's lease
            // ends, rather than given up after a few tries: a step given up waits out its whole lease before it
            // runs again (a minute; docs/reliability.md). Any other failure is tried a few times.
            var leaseEnd = app.DueAt ?? clock.GetUtcNow() + Lease;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await engine.HandleAsync(app.AppId, result, ct);
                    return;
                }
                catch (Exception e) when (!ct.IsCancellationRequested
                                          && (attempt < 5 || ServiceDefaults.DatabaseOutage.Is(e) && clock.GetUtcNow() < leaseEnd))
                {
                    if (attempt < 5 || attempt % 10 == 0)
                        logger.LogWarning("Applying the {Step} result of ExApp {AppId} failed ({Error}); retrying",
                            app.Step, app.AppId, e.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200 * attempt, 1000)), clock, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // shutting down: the lease runs out (or this instance stops showing life) and the step runs again
        }
        catch (Exception e)
        {
            logger.LogError(e, "Step {Step} of ExApp {AppId} failed unexpectedly; it runs again after its lease",
                app.Step, app.AppId);
        }
        // (no wake here: the transition that applied the result woke the worker if it made a step due unleased)
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
