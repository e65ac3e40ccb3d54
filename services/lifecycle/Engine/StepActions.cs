using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Machine;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Engine;

/// <summary>What a due step does outside any transaction (calls to the ExApp, container checks), returning the
/// result the machine then applies. Safe to repeat: a step claimed again after a crash simply calls again (the
/// ExApp's heartbeat, init and enabled calls are idempotent for it).</summary>
public sealed class StepActions(IExAppClient exApp, IContainerInspector containers, TimeProvider clock,
    IOptions<LifecycleOptions> options, ServiceDefaults.Telemetry.PlatformMetrics? metrics = null)
{
    public async Task<StepResult> RunAsync(AppState app, CancellationToken ct)
    {
        var token = app.LeaseToken;
        var target = new ExAppTarget(app.AppId, app.Version, app.Spec.ExAppUrl, app.Spec.Secret);
        switch (app.Step)
        {
            case Step.Heartbeat:
                var beat = await exApp.HeartbeatAsync(app.Spec.ExAppUrl, ct);
                metrics?.HeartbeatTry(app.AppId, beat.Ok);
                var container = !beat.Ok && ContainerCheckDue(app) ? await containers.InspectAsync(app.AppId, app.Spec.Daemon, ct) : null;
                return new HeartbeatAnswered(token, beat.Ok, beat.Error, container);
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

    /// <summary>A heartbeat that keeps failing may mean a container that crashed: check it every few seconds.</summary>
    private bool ContainerCheckDue(AppState app) =>
        app.Spec.HasContainer && app.Tries >= 2
        && (app.Data.ContainerCheckedAt is not { } last || clock.GetUtcNow() - last >= options.Value.ContainerCheckInterval);
}
