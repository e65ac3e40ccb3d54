using ExApps.Contracts;
using ExApps.Lifecycle.Machine;

namespace ExApps.Lifecycle.Tests;

public sealed class UpdateUnregisterTests : LifecycleTest
{

    [Fact]
    public async Task Update_disables_with_the_old_version_stops_redeploys_the_new_one_and_enables_it()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        await InstalledAsync(host, app);
        var update = app.Update("1.1.0");

        await host.Publish(update);
        var ended = await host.Ended(app.AppId, update.OperationId);

        Assert.Equal((Outcome.Enabled, "1.1.0", true), (ended.LastOperation!.Outcome, ended.Version, ended.Enabled));
        var disableCall = exApp.Received("PUT", "/enabled").Single(r => r.PathAndQuery.EndsWith("=0"));
        Assert.Equal("1.0.0", disableCall.Headers["ex-app-version"]);
        Assert.Equal("1.1.0", exApp.Received("PUT", "/enabled").Last().Headers["ex-app-version"]);
        Assert.Equal([app.AppId], host.Deployer.Stopped);
        Assert.Equal(["install", "update"], host.Deployer.Deploys.Select(d => d.Kind));
        Assert.Equal("1.1.0", host.Deployer.Deploys.Last().Version);
        Assert.Contains(host.Registry.For(app.AppId), s => s.Operation?.Id == update.OperationId && s.Status.Type == "update");
    }

    [Fact]
    public async Task Update_of_a_disabled_app_redeploys_at_once()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        await InstalledAsync(host, app);
        var disable = app.Disable();
        await host.Publish(disable);
        await host.Ended(app.AppId, disable.OperationId);
        var update = app.Update("2.0.0");

        await host.Publish(update);
        var ended = await host.Ended(app.AppId, update.OperationId);

        Assert.Equal((Outcome.Enabled, "2.0.0"), (ended.LastOperation!.Outcome, ended.Version));
        Assert.Single(exApp.Received("PUT", "/enabled"), r => r.PathAndQuery.EndsWith("=0"));
    }

    [Fact]
    public async Task Unregister_disables_removes_the_container_with_its_data_and_forgets_the_app()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        await InstalledAsync(host, app);
        var unregister = app.Unregister(removeData: true);

        await host.Publish(unregister);
        var removed = await host.Snapshot(app.AppId, s => s.Removed, "removal");

        Assert.Equal((Outcome.Removed, false), (removed.LastOperation!.Outcome, removed.Enabled));
        Assert.True(Assert.Single(host.Deployer.Removed).RemoveData);
        Assert.Equal("/enabled?enabled=0", exApp.Received("PUT", "/enabled").Last().PathAndQuery);
        Assert.Null(await TestDatabase.FindAsync(app.AppId));
    }

    [Fact]
    public async Task Unregister_replaces_an_install_stuck_in_its_heartbeat_and_its_late_answers_change_nothing()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = app.Install();
        await host.Publish(install);
        await Eventually.Row(app.AppId, r => r.Tries >= 2, "two failed heartbeats");

        await host.Publish(app.Unregister());
        await host.Snapshot(app.AppId, s => s.Removed, "removal");
        await host.Publish(new ContainerStarted(install.OperationId, app.AppId, "install", "1.0.0", exApp.Url, new Secret(app.Secret)));
        await host.Consumed<ContainerStarted>(c => c.AppId == app.AppId, count: 2);

        Assert.Null(await TestDatabase.FindAsync(app.AppId));
        Assert.Empty(exApp.Received("PUT", "/enabled")); // it was never enabled, so not disabled either
    }

    [Fact]
    public async Task A_failed_container_removal_keeps_the_app_unless_forced()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer { RemoveFailure = "engine unreachable" };
        await using var host = await LifecycleTestHost.StartAsync(deployer, new StandInRegistry());
        var app = NewApp(exApp);
        await InstalledAsync(host, app);
        var unregister = app.Unregister();

        await host.Publish(unregister);
        var failed = await host.Ended(app.AppId, unregister.OperationId);
        Assert.Equal(Outcome.Failed, failed.LastOperation!.Outcome);
        Assert.Contains("engine unreachable", failed.Status.Error);
        Assert.Contains("--force", failed.Status.Error);
        Assert.NotNull(await TestDatabase.FindAsync(app.AppId));

        await host.Publish(app.Unregister(force: true));
        var removed = await host.Snapshot(app.AppId, s => s.Removed, "forced removal");
        Assert.Contains("unregistered anyway", removed.LastOperation!.Error);
    }

    [Fact]
    public async Task A_manual_install_is_unregistered_without_container_work()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp, docker: false);
        await InstalledAsync(host, app);

        await host.Publish(app.Unregister());
        await host.Snapshot(app.AppId, s => s.Removed, "removal");

        Assert.Empty(host.Deployer.Removed);
    }

    [Fact]
    public async Task A_new_registration_of_the_same_app_starts_afresh_and_old_requests_are_ignored()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var first = NewApp(exApp, docker: false);
        await InstalledAsync(host, first);
        var second = first with { RegistrationId = Guid.NewGuid() };

        var install = second.Install("3.0.0");
        await host.Publish(install);
        await host.Ended(second.AppId, install.OperationId);
        await host.Publish(first.Disable());
        await host.Consumed<DisableApp>(d => d.App.AppId == first.AppId);

        var row = await TestDatabase.FindAsync(first.AppId);
        Assert.Equal((second.RegistrationId, "3.0.0", true), (row!.RegistrationId, row.Version, row.Enabled));
    }
}
