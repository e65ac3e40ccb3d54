using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;
using MassTransit;

namespace ExApps.Lifecycle.Tests;

/// <summary>DisableApp (spec §5.4): PUT /enabled?enabled=0, stop the container, Disabled whatever the ExApp said.</summary>
public sealed class DisableTests : LifecycleTest
{
    [Fact]
    public async Task Disable_calls_the_ExApp_then_stops_the_container_then_announces_Disabled()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var (appId, secret) = (NewAppId(), NewSecret());
        var disable = LifecycleTestHost.DisableApp(appId, exApp, secret, StandInDeployer.DockerDaemon);

        await host.Publish(disable);
        var disabled = await host.Published<Disabled>(appId);

        Assert.Equal(new Disabled(disable.OperationId, appId, ""), disabled);
        var put = exApp.Received("PUT", "/enabled").Single();
        Assert.Equal("/enabled?enabled=0", put.PathAndQuery);
        Assert.Equal(AuthorizationFor(secret), put.Headers["authorization-app-api"]);
        Assert.Equal([appId], deployer.Stopped);
        Assert.Equal(OperationState.Disabled, (await TestDatabase.FindAsync(appId))!.State);
    }

    [Fact]
    public async Task Disable_records_the_ExApp_error_and_disables_anyway()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.DisableError = "still busy";
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var appId = NewAppId();

        await host.Publish(LifecycleTestHost.DisableApp(appId, exApp, NewSecret(), StandInDeployer.DockerDaemon));
        var disabled = await host.Published<Disabled>(appId);

        Assert.Equal($"Failed to disable ExApp {appId}: still busy", disabled.Error);
        Assert.Equal([appId], deployer.Stopped);
        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal((OperationState.Disabled, disabled.Error), (row!.State, row.LastError));
    }

    [Fact]
    public async Task Disable_of_an_unreachable_ExApp_still_stops_and_disables()
    {
        var exApp = await StandInExApp.StartAsync();
        await exApp.DisposeAsync();
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var appId = NewAppId();

        await host.Publish(LifecycleTestHost.DisableApp(appId, exApp, NewSecret(), StandInDeployer.DockerDaemon));
        var disabled = await host.Published<Disabled>(appId);

        Assert.StartsWith($"Failed to disable ExApp {appId}: ", disabled.Error);
        Assert.Equal([appId], deployer.Stopped);
    }

    [Theory]
    [InlineData(true, false)]  // manual install: no daemon
    [InlineData(false, true)]  // the registry asked not to stop it
    public async Task Disable_stops_no_container_unless_asked_and_there_is_one(bool manual, bool docker)
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var appId = NewAppId();
        var daemon = manual ? null : StandInDeployer.DockerDaemon;

        await host.Publish(LifecycleTestHost.DisableApp(appId, exApp, NewSecret(), daemon, stopContainer: !docker));
        await host.Published<Disabled>(appId);

        Assert.Empty(deployer.Stopped);
        Assert.Single(exApp.Received("PUT", "/enabled"));
    }

    [Fact]
    public async Task Disable_replaces_an_install_stuck_in_its_heartbeat()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        await using var host = await LifecycleTestHost.StartAsync();
        var (appId, secret) = (NewAppId(), NewSecret());
        var install = LifecycleTestHost.ContainerStarted(appId, exApp, secret);
        await host.Publish(install);
        await Eventually.Row(appId, r => r.FailedTries >= 1, "a failed heartbeat");

        var disable = LifecycleTestHost.DisableApp(appId, exApp, secret, StandInDeployer.DockerDaemon);
        await host.Publish(disable);
        await host.Published<Disabled>(appId);
        exApp.HeartbeatFailures = 0;
        // the install's heartbeat no longer runs: new heartbeats would reach the now-ready ExApp
        var triesAfterDisable = exApp.HeartbeatCount;
        await host.Publish(new InitProgress(appId, 100, "", DateTimeOffset.UtcNow));
        await host.Consumed<InitProgress>(p => p.AppId == appId);

        Assert.InRange(exApp.HeartbeatCount, triesAfterDisable, triesAfterDisable + 1); // one try may be in flight
        Assert.DoesNotContain(host.PublishedFor(appId), m => m is HeartbeatOk or InitStarted or Enabled);
        Assert.Equal((disable.OperationId, OperationState.Disabled),
            ((await TestDatabase.FindAsync(appId))!.OperationId, (await TestDatabase.FindAsync(appId))!.State));
    }

    [Fact]
    public async Task Repeated_disable_request_is_answered_again_without_calling_the_ExApp()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.DisableError = "oops";
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var appId = NewAppId();
        var disable = LifecycleTestHost.DisableApp(appId, exApp, NewSecret(), StandInDeployer.DockerDaemon);
        var client = host.Harness.GetRequestClient<DisableApp>();

        var first = await client.GetResponse<Disabled>(disable);
        var second = await client.GetResponse<Disabled>(disable);

        Assert.Equal(new Disabled(disable.OperationId, appId, $"Failed to disable ExApp {appId}: oops"), first.Message);
        Assert.Equal(first.Message, second.Message);
        Assert.Single(exApp.Received("PUT", "/enabled"));
        Assert.Single(deployer.Stopped);
        // the event went out once, through the outbox; a requester also got it as its answer
        await host.Published<Disabled>(appId);
        Assert.Single(host.PublishedFor(appId).OfType<Disabled>());
    }

    [Fact]
    public async Task Enable_after_a_disable_starts_a_new_operation()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var (appId, secret) = (NewAppId(), NewSecret());
        await host.Publish(LifecycleTestHost.DisableApp(appId, exApp, secret, StandInDeployer.DockerDaemon));
        await host.Published<Disabled>(appId);

        var enable = LifecycleTestHost.EnableApp(appId, exApp, secret, StandInDeployer.DockerDaemon);
        await host.Publish(enable);
        var enabled = await host.Published<Enabled>(appId);

        Assert.Equal(enable.OperationId, enabled.OperationId);
        Assert.Equal(["/enabled?enabled=0", "/enabled?enabled=1"],
            exApp.Received("PUT", "/enabled").Select(r => r.PathAndQuery));
        Assert.Equal([appId], deployer.Started);
    }
}
