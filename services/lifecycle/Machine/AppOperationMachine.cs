using ExApps.Contracts;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Machine;

/// <summary>Every app operation, step by step: (step, message) -> (next step, messages to send). Requests come from
/// the registry, answers from the deployer, reports from the ExApp through the gateway, and results of the calls
/// the steps make (see <see cref="Step"/>). Each rule runs in one transaction under the app's row lock, with its
/// messages in the outbox. docs/flows.md draws the same flows as sequences.</summary>
public sealed class AppOperationMachine : MachineDefinition
{
    public AppOperationMachine(IOptions<LifecycleOptions> options)
    {
        var o = options.Value;
        var now = TimeSpan.Zero;

        // ---- requests ------------------------------------------------------------------------------------------
        Initially(
            On<InstallApp>((t, c) =>
            {
                t.Begin(c.OperationId, OperationKind.Install, c.App);
                t.App.Status = StatusObject.Begin(AppApiProtocol.KindInstall);
                Deploy(t, c.App, AppApiProtocol.KindInstall);
            }));

        During(Step.Idle,
            On<UpdateApp>((t, c) =>
            {
                t.Begin(c.OperationId, OperationKind.Update, t.App.Spec);
                t.App.Data.PendingSpec = c.App;
                t.App.Status = StatusObject.Begin(AppApiProtocol.KindUpdate);
                if (t.App.Enabled) t.GoTo(Step.Disabling, dueIn: now);
                else Deploy(t, c.App, AppApiProtocol.KindUpdate);
            }),
            On<EnableApp>((t, c) =>
            {
                t.Begin(c.OperationId, OperationKind.Enable, c.App);
                if (t.App.Enabled) { t.Finish(Outcome.Enabled); return; }
                t.Status.Error = "";
                if (c.App.HasContainer)
                    t.GoTo(Step.Starting, deadlineIn: o.ContainerStartTimeout)
                        .Send(new StartContainer(c.OperationId, c.App.AppId, c.App.Daemon));
                else t.GoTo(Step.Heartbeat, dueIn: now, deadlineIn: o.HeartbeatTimeout);
            }),
            On<DisableApp>((t, c) =>
            {
                t.Begin(c.OperationId, OperationKind.Disable, c.App);
                if (!t.App.Enabled) t.Finish(Outcome.Disabled);
                else t.GoTo(Step.Disabling, dueIn: now);
            }),
            // ---- watching enabled apps (AppAPI does not) --------------------------------------------------------
            // The watcher's round: a state that changed is shown, and a container that stays down or vanished is
            // brought back when the daemon asks for it (auto_recover).
            On<AppWatched>((t, w) =>
            {
                if (!t.App.Enabled || !ChangeHealth(t, w.State, w.Reason, w.RestartCount)) return;
                if (w.State is AppHealth.Down or AppHealth.Missing && t.App.Spec.HasContainer) Recover(t, w.State);
            }),
            // Docker's own events, at once: a crash or a restart shows before the next round; a removal is
            // recovered at once (a crash is left to the container's restart policy first).
            On<ContainerStateChanged>((t, e) =>
            {
                if (!t.App.Enabled || !t.App.Spec.HasContainer || e.DaemonName != t.App.Spec.Daemon.Name) return;
                var restarts = t.App.Health?.Restarts ?? 0;
                switch (e.Action)
                {
                    case "die" or "oom":
                        ChangeHealth(t, AppHealth.Down, e.Action == "oom" ? "its container ran out of memory"
                            : $"its container exited with code {e.ExitCode}", restarts + 1);
                        break;
                    case "start" when t.App.Health is { State: not AppHealth.Ok } h:
                        ChangeHealth(t, h.Restarts >= 3 ? AppHealth.Restarting : AppHealth.Ok,
                            h.Restarts >= 3 ? $"its container keeps crashing ({h.Restarts} restarts; last: {h.Reason})" : "", h.Restarts);
                        break;
                    case "destroy":
                        if (ChangeHealth(t, AppHealth.Missing, "its container was removed", restarts)) Recover(t, AppHealth.Missing);
                        break;
                }
            }));

        DuringAny(
            On<InstallApp>((t, c) => t.Refuse(c.OperationId, OperationKind.Install)),
            On<UpdateApp>((t, c) => t.Refuse(c.OperationId, OperationKind.Update)),
            On<EnableApp>((t, c) => t.Refuse(c.OperationId, OperationKind.Enable)),
            On<DisableApp>((t, c) => t.Refuse(c.OperationId, OperationKind.Disable)),
            // Unregister replaces whatever runs: late answers of that operation then match nothing.
            On<UnregisterApp>((t, c) =>
            {
                t.Begin(c.OperationId, OperationKind.Unregister, c.App);
                t.App.Data.RemoveData = c.RemoveData;
                t.App.Data.Force = c.Force;
                if (t.App.Enabled) t.GoTo(Step.Disabling, dueIn: now);
                else RemoveContainer(t);
            }),
            // EX-APP-VERSION greater than the stored version: call the ExApp with it from now on.
            On<AppVersionReported>((t, e) =>
            {
                // (the gateway checks the header; a message from anywhere else must not bring a header-breaking value)
                if (ServiceDefaults.Security.SafeText.IsVersion(e.Version) && ExAppVersion.IsGreater(e.Version, t.App.Version))
                    t.App.Version = e.Version;
            }));

        // ---- deploy --------------------------------------------------------------------------------------------
        During(Step.Deploying,
            On<DeployProgress>((t, e) =>
            {
                if (t.Status.ApplyDeploy(e.Progress, t.NowSeconds)) t.App.Deadline = t.App.DueAt = t.Now + o.DeployIdleTimeout;
            }),
            On<ContainerStarted>((t, _) => Heartbeat(t, restartBaseline: 0)),
            // (a DeployRequested that faulted in every deployer arrives as a DeployFailed too)
            On<DeployFailed>((t, e) => t.Fail(e.Reason)),
            On<TimerFired>((t, _) => t.Fail($"The deploy of ExApp {t.App.AppId} made no progress for " +
                $"{Minutes(o.DeployIdleTimeout)}: is a deployer service running?")));

        During(Step.Starting,
            On<ContainerRunning>((t, e) =>
            {
                if (e.Error.Length == 0) Heartbeat(t, e.RestartCount);
                else FailEnable(t, e.Error);
            }),
            On<TimerFired>((t, _) => FailEnable(t, $"Failed to start the container of ExApp {t.App.AppId}: " +
                $"the deployer did not answer within {Minutes(o.ContainerStartTimeout)}")));

        // ---- heartbeat -----------------------------------------------------------------------------------------
        During(Step.Heartbeat,
            On<HeartbeatAnswered>((t, r) =>
            {
                var before = t.App.Tries;
                t.App.Tries += r.EarlierFailures;
                if (r.Ok)
                {
                    t.Publish(new HeartbeatOk(t.Operation, t.App.AppId, t.App.Tries));
                    t.Status.HeartbeatCount = t.App.Tries;
                    // Enabled before the ExApp is called, so that it may call the platform while it inits (or
                    // while it handles PUT /enabled).
                    t.App.Enabled = true;
                    if (OperationKind.EnablesWithoutInit(t.App.OpKind, t.App.Data.RecoverMode)) t.WaitUntilVisible(Step.EnableVisible);
                    else
                    {
                        t.Status.ApplyInit(0, t.NowSeconds);
                        t.WaitUntilVisible(Step.InitVisible);
                    }
                    return;
                }
                if (ContainerDied(t, r.Container)) { t.Status.HeartbeatCount = t.App.Tries; return; }
                if (ShowsHeartbeatCount(before, ++t.App.Tries)) t.Status.HeartbeatCount = t.App.Tries;
                if (t.Now < t.App.Deadline) { t.RetryAt(t.Now + HeartbeatDelay(t.App.Tries, o)); return; }
                t.Status.HeartbeatCount = t.App.Tries;
                t.Publish(new HeartbeatFailed(t.Operation, t.App.AppId, HeartbeatFailure, t.App.Tries));
                if (OperationKind.EnablesWithoutInit(t.App.OpKind, t.App.Data.RecoverMode)) FailEnable(t, HeartbeatFailure);
                else t.Fail(HeartbeatFailure);
            }),
            On<ContainerStateChanged>(CheckContainerNow));

        // ---- init ----------------------------------------------------------------------------------------------
        During(Step.InitVisible,
            On<AppChanged>((t, e) => { if (e.Seq >= t.App.BarrierSeq) t.GoTo(Step.CallingInit, dueIn: now); }),
            On<TimerFired>((t, _) => t.GoTo(Step.CallingInit, dueIn: now)
                .Log(LogLevel.Warning, "ExApp {AppId}: the registry did not confirm it shows the app enabled; calling init anyway", t.App.AppId)));

        During(Step.CallingInit,
            On<InitAnswered>((t, r) =>
            {
                switch (r.Outcome)
                {
                    case ExAppHttp.InitOutcome.Started:
                        t.GoTo(Step.Initializing, dueIn: t.App.Spec.HasContainer ? o.ContainerCheckInterval : null,
                            deadlineIn: InitDeadline(t, o) - t.Now);
                        break;
                    case ExAppHttp.InitOutcome.NoInitStep:
                        t.Status.ApplyInit(100, t.NowSeconds);
                        t.GoTo(Step.Enabling, dueIn: now);
                        break;
                    default:
                        t.Publish(new InitFailed(t.Operation, t.App.AppId, r.Error)).Fail(r.Error);
                        break;
                }
            }),
            // A fast ExApp reports while its POST /init is still open.
            On<InitProgress>(Report));

        During(Step.Initializing,
            On<InitProgress>(Report),
            On<ContainerChecked>((t, r) =>
            {
                if (!ContainerDied(t, r.Container)) t.RetryAt(t.Now + o.ContainerCheckInterval);
            }),
            On<ContainerStateChanged>(CheckContainerNow),
            On<TimerFired>((t, _) =>
            {
                if (t.Now < t.App.Deadline) { t.RetryAt(t.App.Deadline!.Value); return; }
                var reason = InitTimedOut(t, o);
                t.Publish(new InitFailed(t.Operation, t.App.AppId, reason)).Fail(reason);
            }));

        // ---- enable --------------------------------------------------------------------------------------------
        During(Step.EnableVisible,
            On<AppChanged>((t, e) => { if (e.Seq >= t.App.BarrierSeq) t.GoTo(Step.Enabling, dueIn: now); }),
            On<TimerFired>((t, _) => t.GoTo(Step.Enabling, dueIn: now)));

        During(Step.Enabling,
            On<EnableAnswered>((t, r) =>
            {
                if (r.Ok) t.Publish(new Enabled(t.Operation, t.App.AppId)).Finish(Outcome.Enabled);
                else FailEnable(t, r.Error);
            }));

        // ---- disable, and the disable that starts an update or an unregister -----------------------------------
        During(Step.Disabling,
            On<DisableAnswered>((t, r) =>
            {
                t.App.Data.DisableError = r.Error;
                if (t.App.OpKind == OperationKind.Unregister) { t.App.Enabled = false; RemoveContainer(t); }
                else if (t.App.Spec.HasContainer)
                    t.GoTo(Step.Stopping, deadlineIn: o.ContainerStopTimeout)
                        .Send(new StopContainer(t.Operation, t.App.AppId, t.App.Spec.Daemon));
                else Stopped(t, "");
            }));

        During(Step.Stopping,
            On<ContainerStopped>((t, e) => Stopped(t, e.Error)),
            On<TimerFired>((t, _) => Stopped(t, $"the deployer did not stop the container within {Minutes(o.ContainerStopTimeout)}")));

        // ---- unregister ----------------------------------------------------------------------------------------
        During(Step.Removing,
            On<ContainerRemoved>((t, e) => Removed(t, e.Error)),
            On<TimerFired>((t, _) => Removed(t, $"the deployer did not answer within {Minutes(o.ContainerRemoveTimeout)}")));

        // ---- the steps above, in words -------------------------------------------------------------------------

        // Deploy (install, or the new version of an update): the deployer pulls, creates and starts the
        // container; a manual install has nothing to deploy.
        void Deploy(Transition t, AppSpec spec, string kind)
        {
            t.App.Spec = spec;
            t.App.Version = spec.Version;
            t.Status.ApplyDeploy(0, t.NowSeconds);
            if (!spec.HasContainer) { Heartbeat(t, restartBaseline: 0); return; }
            t.GoTo(Step.Deploying, deadlineIn: o.DeployIdleTimeout)
                .Send(new DeployRequested(t.Operation, spec.AppId, kind, spec.Version, spec.DisplayName, spec.Port,
                    spec.Secret, spec.ExAppUrl, spec.NextcloudUrl, spec.Image, spec.Daemon, spec.Environment, spec.Mounts));
        }

        void Heartbeat(Transition t, int restartBaseline)
        {
            if (!OperationKind.EnablesWithoutInit(t.App.OpKind, t.App.Data.RecoverMode)) t.Status.ApplyDeploy(100, t.NowSeconds);
            t.GoTo(Step.Heartbeat, dueIn: now, deadlineIn: o.HeartbeatTimeout);
            t.App.Data.RestartBaseline = restartBaseline;
        }

        // After the ExApp's PUT /enabled?enabled=0 and the container's stop.
        void Stopped(Transition t, string stopError)
        {
            var error = string.Join("; ", new[] { t.App.Data.DisableError, stopError }.Where(e => e.Length > 0));
            t.App.Enabled = false;
            if (t.App.OpKind == OperationKind.Update)
            {
                if (error.Length > 0)
                    t.Log(LogLevel.Warning, "ExApp {AppId} disabled for its update with an error: {Error}", t.App.AppId, error);
                Deploy(t, t.App.Data.PendingSpec!, AppApiProtocol.KindUpdate);
                return;
            }
            if (error.Length > 0) t.Status.Error = error;
            t.Publish(new Disabled(t.Operation, t.App.AppId, error)).Finish(Outcome.Disabled, error);
        }

        void RemoveContainer(Transition t)
        {
            if (!t.App.Spec.HasContainer) { t.Remove(); return; }
            t.GoTo(Step.Removing, deadlineIn: o.ContainerRemoveTimeout)
                .Send(new Contracts.RemoveContainer(t.Operation, t.App.AppId, t.App.Spec.Daemon, t.App.Data.RemoveData));
        }

        void Removed(Transition t, string error)
        {
            if (error.Length == 0) t.Remove();
            else if (t.App.Data.Force) t.Remove($"container removal failed ({error}), unregistered anyway");
            else t.Fail($"Failed to remove the container of ExApp {t.App.AppId}: {error}. Use --force to unregister anyway.");
        }

        // A new health is recorded (and logged); false when nothing changed.
        bool ChangeHealth(Transition t, string state, string reason, int restarts)
        {
            var h = t.App.Health ?? new AppHealth(AppHealth.Ok, "", t.Now, 0);
            if (h.State == state && h.Reason == reason && h.Restarts == restarts) return false;
            t.App.Health = new AppHealth(state, Transition.Bounded(reason), h.State == state ? h.Since : t.Now, restarts);
            if (h.State != state)
                t.Log(state == AppHealth.Ok ? LogLevel.Information : LogLevel.Warning, "ExApp {AppId} is {State}: {Reason}",
                    t.App.AppId, state, reason);
            return true;
        }

        // auto_recover: restart brings a stopped container back; a vanished one (or a redeploy policy) is deployed
        // again from its image, then initialized and enabled as after an update.
        void Recover(Transition t, string state)
        {
            var policy = t.App.Spec.AutoRecover;
            if (policy is not ("restart" or "redeploy")) return;
            var mode = policy == "restart" && state == AppHealth.Down ? "restart" : "redeploy";
            t.Begin(Guid.NewGuid(), OperationKind.Recover, t.App.Spec);
            t.App.Data.RecoverMode = mode;
            t.Log(LogLevel.Warning, "ExApp {AppId} is {State}; recovering it ({Mode})", t.App.AppId, state, mode);
            var appId = t.App.AppId;
            t.Counts.Add(m => m.Recovery(appId, mode));
            if (mode == "restart")
                t.GoTo(Step.Starting, deadlineIn: o.ContainerStartTimeout)
                    .Send(new StartContainer(t.Operation, t.App.AppId, t.App.Spec.Daemon));
            else
            {
                t.App.Status = StatusObject.Begin(AppApiProtocol.KindUpdate);
                Deploy(t, t.App.Spec, AppApiProtocol.KindUpdate);
            }
        }

        // A report of the ExApp (docs/protocol.md, "Init"): an error ends the operation, 100 enables.
        void Report(Transition t, InitProgress e)
        {
            if (e.Error.Length > 0) { t.Publish(new InitFailed(t.Operation, t.App.AppId, e.Error)).Fail(e.Error); return; }
            t.Status.ApplyInit(e.Progress, e.ReportedAt.ToUnixTimeSeconds());
            if (e.Progress == 100) t.GoTo(Step.Enabling, dueIn: now);
        }

        // An enable that fails leaves the app disabled, as AppAPI reverts its flag.
        void FailEnable(Transition t, string reason) =>
            t.Publish(new EnableFailed(t.Operation, t.App.AppId, reason)).Fail(reason);
    }

    public const string HeartbeatFailure = "Heartbeat check failed";

    private static readonly TimeSpan[] QuickRetries =
        [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200),
         TimeSpan.FromMilliseconds(400)];

    /// <summary>Whether the status object shows the failed tries so far (<c>heartbeat_count</c>) when they went
    /// from <paramref name="before"/> to <paramref name="failedTries"/> (one try, or a round of them): while the
    /// first five are passed, then each time a tenth is reached or passed. A container that takes minutes to start
    /// is tried every second, and each change of what the registry shows is a snapshot it applies; with a hundred
    /// containers starting at once those snapshots took a good part of the machine the containers needed
    /// (docs/performance.md, "Docker installs at scale"). The count is exact again when the heartbeat answers or
    /// fails for good.</summary>
    public static bool ShowsHeartbeatCount(int before, int failedTries) => before < 5 || failedTries / 10 > before / 10;

    /// <summary>A starting ExApp is usually ready within a second: try again quickly at first.</summary>
    public static TimeSpan HeartbeatDelay(int failedTries, LifecycleOptions o)
    {
        var delay = failedTries <= QuickRetries.Length ? QuickRetries[failedTries - 1] : o.HeartbeatInterval;
        return delay < o.HeartbeatInterval ? delay : o.HeartbeatInterval;
    }

    private static DateTimeOffset InitDeadline(Transition t, LifecycleOptions o) =>
        DateTimeOffset.FromUnixTimeSeconds(t.Status.InitStartTime) + o.InitTimeout;

    /// <summary>AppAPI's message, with the limit the init had.</summary>
    private static string InitTimedOut(Transition t, LifecycleOptions o) =>
        $"ExApp {t.App.AppId} initialization timed out ({o.InitTimeout.TotalMinutes.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}m)";

    /// <summary>Docker says the app's container died or went away while the app starts (the deployer follows each
    /// daemon's events): the heartbeat or init step checks the container at once, which fails the operation with
    /// the exit code and the last log lines when it is down. An event of an earlier container of the app (an update
    /// replaced it) finds the current one running and changes nothing. The regular check every
    /// <see cref="LifecycleOptions.ContainerCheckInterval"/> remains for events missed while no deployer followed
    /// the daemon. A heartbeat round already running for the app ends as a late result.</summary>
    private static void CheckContainerNow(Transition t, ContainerStateChanged e)
    {
        if (!t.App.Spec.HasContainer || e.DaemonName != t.App.Spec.Daemon.Name || e.Action is not ("die" or "oom" or "destroy"))
            return;
        t.App.Data.ContainerCheckedAt = null;
        t.RetryAt(t.Now);
    }

    /// <summary>A container that exited, restarted or vanished while it should start up ends the operation with
    /// its exit code and last log lines, and is stopped (its restart policy would loop forever).</summary>
    private static bool ContainerDied(Transition t, ContainerInspected? c)
    {
        if (c is null) return false;
        t.App.Data.ContainerCheckedAt = t.Now;
        var restarted = c.RestartCount > t.App.Data.RestartBaseline;
        if (c.Exists && c.Running && !restarted) return false;
        var name = AppApiProtocol.ContainerName(t.App.AppId);
        var what = !c.Exists ? $"Container {name} was removed"
            : restarted ? $"Container {name} restarted {c.RestartCount - t.App.Data.RestartBaseline} time(s) (last exit code {c.ExitCode}{(c.OomKilled ? ", out of memory" : "")})"
            : $"Container {name} exited with code {c.ExitCode}{(c.OomKilled ? " (out of memory)" : "")}{(c.Error.Length > 0 ? $": {c.Error}" : "")}";
        var reason = c.Logs.Length > 0 ? $"{what}. Last log lines:\n{c.Logs}" : what + ".";
        if (c.Exists) t.Send(new StopContainer(t.Operation, t.App.AppId, t.App.Spec.Daemon));
        if (OperationKind.EnablesWithoutInit(t.App.OpKind, t.App.Data.RecoverMode)) t.Publish(new EnableFailed(t.Operation, t.App.AppId, reason));
        t.Fail(reason);
        return true;
    }

    private static string Minutes(TimeSpan t) =>
        t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : $"{t.TotalSeconds:0.#} s";
}
