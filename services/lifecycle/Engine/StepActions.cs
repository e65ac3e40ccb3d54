using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Machine;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Engine;

/// <summary>What a due step does outside any transaction (calls to the ExApp, container checks), returning the
/// result the machine then applies. Safe to repeat: a step claimed again after a crash simply calls again (the
/// ExApp's heartbeat, init and enabled calls are idempotent for it).</summary>
public sealed class StepActions(IExAppClient exApp, IContainerInspector containers, TimeProvider clock,
    IOptions<LifecycleOptions> options, StepSignal signal, ServiceDefaults.Telemetry.PlatformMetrics? metrics = null)
{
    public async Task<StepResult> RunAsync(AppState app, CancellationToken ct)
    {
        var token = app.LeaseToken;
        var target = new ExAppTarget(app.AppId, app.Version, app.Spec.ExAppUrl, app.Spec.Secret);
        switch (app.Step)
        {
            case Step.Heartbeat:
                return await HeartbeatRoundAsync(app, token, ct);
            case Step.CallingInit:
                var init = await exApp.InitAsync(target, ct);
                return new InitAnswered(token, init.Outcome, init.Error);
            case Step.Enabling:
                var enabled = await exApp.SetEnabledAsync(target, true, ct);
                return new EnableAnswered(token, enabled.Ok, enabled.Error);
            case Step.Disabling:
                var disabled = await exApp.SetEnabledAsync(target, false, ct);
                return new DisableAnswered(token, disabled.Error);
            case Step.Initializing when app.Spec.HasContainer && clock.GetUtcNow() < app.Deadline:
                return new ContainerChecked(token, await containers.InspectAsync(app.AppId, app.Spec.Daemon, ct));
            default:
                return new TimerFired(token);
        }
    }

    /// <summary>Tries <c>GET /heartbeat</c> until it answers, at AppAPI's pace (the quick first retries, then every
    /// <see cref="LifecycleOptions.HeartbeatInterval"/>), for one round of at most
    /// <see cref="LifecycleOptions.HeartbeatRound"/>: the failed tries of a round cost no transaction each, only the
    /// answer that ends it does (with the number of tries that failed before it). A container that takes minutes to
    /// start used to cost a claim, a transition and a row update per second (docs/performance.md, "Docker installs
    /// at scale"). Between tries the round holds no step slot (<see cref="WaitWithoutSlotAsync"/>), so hundreds of
    /// starting apps can each be in a round while the slots bound only the calls. The round ends early when the
    /// container is due for a check (its answer goes with the result), when the next try would pass the deadline (the
    /// machine then decides), when no slot is free for the next try, and when the process stops. A crash loses only
    /// the count of the round's tries; the step runs again from its lease.</summary>
    private async Task<StepResult> HeartbeatRoundAsync(AppState app, long token, CancellationToken ct)
    {
        var o = options.Value;
        var roundEnds = clock.GetUtcNow() + RoundLength(app.Tries, o);
        var refused = false;
        for (var failed = 0; ; failed++)
        {
            // After a refused try, the next one first checks with a plain connect that something listens now.
            var beat = await exApp.HeartbeatAsync(app.Spec.ExAppUrl, ct, probeFirst: refused);
            refused = beat.Refused;
            metrics?.HeartbeatTry(app.AppId, beat.Ok);
            if (beat.Ok) return new HeartbeatAnswered(token, true, beat.Error, null, failed);

            var tries = app.Tries + failed + 1;
            if (ContainerCheckDue(app, tries - 1))
                return new HeartbeatAnswered(token, false, beat.Error,
                    await containers.InspectAsync(app.AppId, app.Spec.Daemon, ct), failed);
            var delay = AppOperationMachine.HeartbeatDelay(tries, o);
            var next = clock.GetUtcNow() + delay;
            if (delay >= 5 * TryGrid) next = AlignUp(next, TryGrid);
            if (next > roundEnds || next >= app.Deadline || ct.IsCancellationRequested
                || !await WaitWithoutSlotAsync(next - clock.GetUtcNow(), ct))
                return new HeartbeatAnswered(token, false, beat.Error, null, failed);
        }
    }

    /// <summary>Tries at the steady interval start on this grid: hundreds of starting apps then wake the thread
    /// pool a few at a time, in batches, instead of each on its own (a woken worker spins a while before it sleeps
    /// again; docs/performance.md). At most this much later than the interval asks.</summary>
    public static readonly TimeSpan TryGrid = TimeSpan.FromMilliseconds(100);

    public static DateTimeOffset AlignUp(DateTimeOffset at, TimeSpan grid) =>
        new((at.UtcTicks + grid.Ticks - 1) / grid.Ticks * grid.Ticks, TimeSpan.Zero);

    /// <summary>The first round of a heartbeat lasts <see cref="LifecycleOptions.HeartbeatFirstRound"/>, so that the
    /// count of the first tries shows soon; each next one about as long as the heartbeat has failed so far (its tries at
    /// <see cref="LifecycleOptions.HeartbeatInterval"/>), so the rounds double, up to
    /// <see cref="LifecycleOptions.HeartbeatRound"/>. Each round's end is a transition: an ExApp whose container takes
    /// minutes to start costs a few of them, not one every few seconds.</summary>
    public static TimeSpan RoundLength(int failedTries, LifecycleOptions o)
    {
        var first = o.HeartbeatRound < o.HeartbeatFirstRound ? o.HeartbeatRound : o.HeartbeatFirstRound;
        var grown = o.HeartbeatInterval * failedTries;
        return grown < first ? first : grown > o.HeartbeatRound ? o.HeartbeatRound : grown;
    }

    /// <summary>Waits with the step's slot given back to the worker, then takes a slot again for the next call;
    /// false when none is free (the round then ends, and its step is claimed again like any other). The slot count
    /// stays balanced for <see cref="StepWorker"/>, which gives the step's slot back when the step ends.</summary>
    private async Task<bool> WaitWithoutSlotAsync(TimeSpan wait, CancellationToken ct)
    {
        if (wait <= TimeSpan.Zero) return true;
        signal.Release();
        try
        {
            await Task.Delay(wait, clock, ct);
        }
        catch
        {
            signal.Add(1);
            throw;
        }
        if (signal.TryReserve()) return true;
        signal.Add(1); // held again only until the step ends, which gives it back
        return false;
    }

    /// <summary>A heartbeat that keeps failing may mean a container that crashed: check it every few seconds.</summary>
    private bool ContainerCheckDue(AppState app, int failedTries) =>
        app.Spec.HasContainer && failedTries >= 2
        && (app.Data.ContainerCheckedAt is not { } last || clock.GetUtcNow() - last >= options.Value.ContainerCheckInterval);
}
