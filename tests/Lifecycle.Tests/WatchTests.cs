using ExApps.Contracts;
using ExApps.Lifecycle.Machine;

namespace ExApps.Lifecycle.Tests;

/// <summary>Enabled apps stay watched: a container that stops, crashes or vanishes shows in the app's health, and
/// the daemon's auto_recover brings it back.</summary>
public sealed class WatchTests : LifecycleTest
{
    private static readonly (string, string)[] FastWatch = [("Lifecycle:WatchInterval", "00:00:00.200")];


    [Fact]
    public async Task A_container_found_stopped_is_shown_down_and_then_ok_again()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer, new StandInRegistry(), FastWatch);
        var app = NewApp(exApp);
        await InstalledAsync(host, app);

        deployer.Inspect = id => new ContainerInspected { AppId = id, Exists = true, Running = false, Status = "exited", ExitCode = 137 };
        var down = await host.Snapshot(app.AppId, s => s.Health?.State == AppHealth.Down, "health down");
        Assert.Equal("its container is exited (exit code 137)", down.Health!.Reason);
        Assert.True(down.Enabled);
        Assert.Null(down.Operation); // the default policy only reports

        deployer.Inspect = id => new ContainerInspected { AppId = id, Exists = true, Running = true, Status = "running" };
        await host.Snapshot(app.AppId, s => s.Health?.State == AppHealth.Ok, "health ok again");
    }

    [Fact]
    public async Task With_auto_recover_restart_a_stopped_container_is_started_and_the_app_enabled_again()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer, new StandInRegistry(), FastWatch);
        var app = NewApp(exApp);
        await InstalledAsync(host, app, autoRecover: "restart");
        // The container stops, and runs again once the platform starts it (as Docker's would): a watch round after
        // the recovery must find it running, however fast the recovery was.
        var startsBefore = deployer.Started.Count;
        deployer.Inspect = id =>
        {
            var running = deployer.Started.Count > startsBefore;
            return new ContainerInspected { AppId = id, Exists = true, Running = running, Status = running ? "running" : "exited", ExitCode = 1 };
        };

        var recovering = await host.SnapshotSeen(app.AppId, s => s.Operation?.Kind == OperationKind.Recover, "recovery");
        var ended = await host.Ended(app.AppId, recovering.Operation!.Id);

        Assert.Equal((Outcome.Enabled, true, AppHealth.Ok), (ended.LastOperation!.Outcome, ended.Enabled, ended.Health!.State));
        Assert.Single(deployer.Started); // started once: the watch found it running afterwards
        Assert.Equal(2, exApp.Received("PUT", "/enabled").Count); // install, then the recovery
        Assert.Single(host.Deployer.Deploys); // restarted, not redeployed
    }

    [Fact]
    public async Task A_removed_container_is_shown_missing_and_redeployed_with_auto_recover()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        await InstalledAsync(host, app, autoRecover: "restart");

        await host.Publish(new ContainerStateChanged(app.AppId, StandInDeployer.DockerDaemon.Name, "destroy", 0, DateTimeOffset.UtcNow));
        var recovering = await host.SnapshotSeen(app.AppId, s => s.Operation?.Kind == OperationKind.Recover, "recovery");
        Assert.Equal(AppHealth.Missing, recovering.Health?.State ?? host.Registry.For(app.AppId).Last(s => s.Health is not null).Health!.State);
        var ended = await host.Ended(app.AppId, recovering.Operation!.Id);

        Assert.Equal((Outcome.Enabled, AppHealth.Ok), (ended.LastOperation!.Outcome, ended.Health!.State));
        Assert.Equal(["install", "update"], host.Deployer.Deploys.Select(d => d.Kind));
    }

    [Fact]
    public async Task Crashes_reported_by_Docker_show_at_once_and_a_crash_loop_is_named()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        await InstalledAsync(host, app);

        await host.Publish(new ContainerStateChanged(app.AppId, StandInDeployer.DockerDaemon.Name, "die", 139, DateTimeOffset.UtcNow));
        var down = await host.Snapshot(app.AppId, s => s.Health?.State == AppHealth.Down, "down");
        Assert.Equal("its container exited with code 139", down.Health!.Reason);
        for (var i = 0; i < 3; i++)
        {
            await host.Publish(new ContainerStateChanged(app.AppId, StandInDeployer.DockerDaemon.Name, "start", 0, DateTimeOffset.UtcNow));
            await host.Publish(new ContainerStateChanged(app.AppId, StandInDeployer.DockerDaemon.Name, "die", 139, DateTimeOffset.UtcNow));
        }
        await host.Publish(new ContainerStateChanged(app.AppId, StandInDeployer.DockerDaemon.Name, "start", 0, DateTimeOffset.UtcNow));

        var loop = await host.Snapshot(app.AppId, s => s.Health is { State: AppHealth.Restarting, Restarts: 4 }, "crash loop");
        Assert.StartsWith("its container keeps crashing (4 restarts", loop.Health!.Reason);
    }

    [Fact]
    public async Task A_manual_install_that_stops_answering_its_heartbeat_is_shown_down()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync(FastWatch);
        var app = NewApp(exApp, docker: false);
        await InstalledAsync(host, app);

        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        var down = await host.Snapshot(app.AppId, s => s.Health?.State == AppHealth.Down, "down");

        Assert.Contains("heartbeat", down.Health!.Reason);
        Assert.Null(down.Operation);
    }
}
