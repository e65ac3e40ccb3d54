using ExApps.Contracts;
using ExApps.Lifecycle.Machine;

namespace ExApps.Lifecycle.Tests;

public sealed class EnableDisableTests : LifecycleTest
{

    [Fact]
    public async Task Disable_calls_the_ExApp_then_stops_the_container_then_reports_disabled()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        await InstalledAsync(host, app);
        var disable = app.Disable();

        await host.Publish(disable);
        var ended = await host.Ended(app.AppId, disable.OperationId);

        Assert.Equal((Outcome.Disabled, false), (ended.LastOperation!.Outcome, ended.Enabled));
        Assert.Equal("/enabled?enabled=0", exApp.Received("PUT", "/enabled").Last().PathAndQuery);
        Assert.Equal([app.AppId], host.Deployer.Stopped);
        Assert.Equal(new Disabled(disable.OperationId, app.AppId, ""), await host.Published<Disabled>(app.AppId));
    }

    [Fact]
    public async Task Disable_records_the_ExApps_error_and_disables_anyway()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp, docker: false);
        await InstalledAsync(host, app);
        exApp.DisableError = "still busy";
        var disable = app.Disable();

        await host.Publish(disable);
        var ended = await host.Ended(app.AppId, disable.OperationId);

        Assert.Equal((Outcome.Disabled, $"Failed to disable ExApp {app.AppId}: still busy", false),
            (ended.LastOperation!.Outcome, ended.LastOperation.Error, ended.Enabled));
        Assert.Empty(host.Deployer.Stopped); // a manual install has no container of ours
    }

    [Fact]
    public async Task Enable_starts_the_container_then_heartbeat_then_marks_enabled_before_calling_the_ExApp()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        await InstalledAsync(host, app);
        var disable = app.Disable();
        await host.Publish(disable);
        await host.Ended(app.AppId, disable.OperationId);
        var enable = app.Enable();

        await host.Publish(enable);
        var ended = await host.Ended(app.AppId, enable.OperationId);

        Assert.Equal((Outcome.Enabled, true), (ended.LastOperation!.Outcome, ended.Enabled));
        Assert.Equal([app.AppId], host.Deployer.Started);
        Assert.Single(exApp.Received("POST", "/init")); // only the install's
        // AppAPI's order: the app is enabled (and the registry shows it) before PUT /enabled?enabled=1, so the ExApp
        // may call the platform from its enabled handler.
        var visible = host.Registry.For(app.AppId).First(s => s.Operation?.Id == enable.OperationId && s.Enabled && s.AckRequested);
        var confirmed = host.Registry.Confirmed.First(c => c.AppId == app.AppId && c.Seq >= visible.Seq);
        Assert.True(exApp.Received("PUT", "/enabled").Last().At >= confirmed.At);
    }

    [Fact]
    public async Task Enable_refused_by_the_ExApp_reverts_the_app_to_disabled()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp, docker: false);
        await InstalledAsync(host, app);
        var disable = app.Disable();
        await host.Publish(disable);
        await host.Ended(app.AppId, disable.OperationId);
        exApp.EnableError = "license expired";
        var enable = app.Enable();

        await host.Publish(enable);
        var ended = await host.Ended(app.AppId, enable.OperationId);

        Assert.Equal((Outcome.Failed, false), (ended.LastOperation!.Outcome, ended.Enabled));
        Assert.Equal($"Failed to enable ExApp {app.AppId}: license expired", ended.Status.Error);
        Assert.Contains(host.Registry.For(app.AppId), s => s.Operation?.Id == enable.OperationId && s.Enabled);
    }

    [Fact]
    public async Task Enable_fails_with_the_deployers_reason_when_the_container_does_not_start()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer, new StandInRegistry());
        var app = NewApp(exApp);
        await InstalledAsync(host, app);
        var disable = app.Disable();
        await host.Publish(disable);
        await host.Ended(app.AppId, disable.OperationId);
        deployer.StartFailure = "Container healthcheck failed";
        var enable = app.Enable();

        await host.Publish(enable);
        var ended = await host.Ended(app.AppId, enable.OperationId);

        Assert.Equal(("Container healthcheck failed", false), (ended.Status.Error, ended.Enabled));
        Assert.Equal("Container healthcheck failed", (await host.Published<EnableFailed>(app.AppId)).Reason);
    }

    [Fact]
    public async Task A_request_while_another_operation_runs_is_refused_and_that_operation_goes_on()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = 5;
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:HeartbeatInterval", "00:00:00.200"));
        var app = NewApp(exApp, docker: false);
        exApp.InitStatus = 404;
        var install = app.Install();
        await host.Publish(install);
        await Eventually.Row(app.AppId, r => r.Step == Step.Heartbeat, "heartbeat");
        var enable = app.Enable();

        await host.Publish(enable);
        var refused = await host.Snapshot(app.AppId, s => s.LastOperation?.Id == enable.OperationId, "refusal");

        Assert.Equal(Outcome.Refused, refused.LastOperation!.Outcome);
        Assert.Contains("is busy: its install is still in progress", refused.LastOperation.Error);
        Assert.Equal(install.OperationId, refused.Operation!.Id);
        Assert.Equal(Outcome.Enabled, (await host.Ended(app.AppId, install.OperationId)).LastOperation!.Outcome);
    }

    [Fact]
    public async Task A_repeated_request_is_done_once()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp, docker: false);
        await InstalledAsync(host, app);
        var disable = app.Disable();

        await host.Publish(disable);
        await host.Ended(app.AppId, disable.OperationId);
        await host.Publish(disable);
        await host.Consumed<DisableApp>(d => d.OperationId == disable.OperationId, count: 2);

        Assert.Single(exApp.Received("PUT", "/enabled"), r => r.PathAndQuery.EndsWith("=0"));
        Assert.Single(host.PublishedFor(app.AppId).OfType<Disabled>());
    }
}
