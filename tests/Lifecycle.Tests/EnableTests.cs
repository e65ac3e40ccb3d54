using ExApps.Contracts;
using ExApps.Lifecycle.Consumers;
using ExApps.Lifecycle.Persistence;

namespace ExApps.Lifecycle.Tests;

/// <summary>EnableApp (spec §5.3): container start, heartbeat, PUT /enabled?enabled=1 -> Enabled or EnableFailed.</summary>
public sealed class EnableTests : LifecycleTest
{
    [Fact]
    public async Task Enable_starts_the_container_then_heartbeat_then_enabled_without_init()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = 1;
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var (appId, secret) = (NewAppId(), NewSecret());
        var enable = LifecycleTestHost.EnableApp(appId, exApp, secret, StandInDeployer.DockerDaemon);

        await host.Publish(enable);
        var enabled = await host.Published<Enabled>(appId);

        Assert.Equal(enable.OperationId, enabled.OperationId);
        Assert.Equal([appId], deployer.Started);
        var ownEvents = host.PublishedFor(appId).Where(m => m is not EnableApp and not StartContainer).ToList();
        Assert.Collection(ownEvents,
            m => Assert.Equal(new HeartbeatProgress(enable.OperationId, appId, 1), m),
            m => Assert.Equal(new HeartbeatOk(enable.OperationId, appId, 1), m),
            m => Assert.IsType<Enabled>(m));
        Assert.Empty(exApp.Received("POST", "/init"));
        var put = exApp.Received("PUT", "/enabled").Single();
        Assert.Equal("/enabled?enabled=1", put.PathAndQuery);
        Assert.Equal(AuthorizationFor(secret), put.Headers["authorization-app-api"]);
        Assert.Equal((OperationKind.Enable, OperationState.Enabled),
            ((await TestDatabase.FindAsync(appId))!.Kind, (await TestDatabase.FindAsync(appId))!.State));
        host.AssertNeverLogged(secret);
    }

    [Fact]
    public async Task Enable_of_a_manual_install_asks_for_no_container()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var appId = NewAppId();

        await host.Publish(LifecycleTestHost.EnableApp(appId, exApp, NewSecret(), daemon: null));
        await host.Published<Enabled>(appId);

        Assert.Empty(deployer.Started);
        Assert.Single(exApp.Received("PUT", "/enabled"));
    }

    [Fact]
    public async Task Enable_refused_by_the_ExApp_fails_with_its_error()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.EnableError = "license expired";
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();
        var enable = LifecycleTestHost.EnableApp(appId, exApp, NewSecret(), StandInDeployer.DockerDaemon);

        await host.Publish(enable);
        var failed = await host.Published<EnableFailed>(appId);

        Assert.Equal(new EnableFailed(enable.OperationId, appId, $"Failed to enable ExApp {appId}: license expired"),
            failed);
        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal((OperationState.Failed, failed.Reason), (row!.State, row.LastError));
        Assert.DoesNotContain(host.PublishedFor(appId), m => m is Enabled);
    }

    [Fact]
    public async Task Enable_fails_with_the_deployers_reason_when_the_container_does_not_start()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer { StartFailure = "Container healthcheck failed" };
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var appId = NewAppId();
        var enable = LifecycleTestHost.EnableApp(appId, exApp, NewSecret(), StandInDeployer.DockerDaemon);

        await host.Publish(enable);
        var failed = await host.Published<EnableFailed>(appId);

        Assert.Equal(enable.OperationId, failed.OperationId);
        Assert.Equal($"Failed to start the container of ExApp {appId}: Container healthcheck failed", failed.Reason);
        Assert.Equal(0, exApp.HeartbeatCount);
        Assert.Equal(OperationState.Failed, (await TestDatabase.FindAsync(appId))!.State);
    }

    [Fact]
    public async Task Enable_whose_heartbeat_never_answers_fails_with_HeartbeatFailed_then_EnableFailed()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:HeartbeatTimeout", "00:00:01"));
        var appId = NewAppId();
        var enable = LifecycleTestHost.EnableApp(appId, exApp, NewSecret(), StandInDeployer.DockerDaemon);

        await host.Publish(enable);
        var failed = await host.Published<EnableFailed>(appId);

        Assert.Equal(new EnableFailed(enable.OperationId, appId, "Heartbeat check failed"), failed);
        var ends = host.PublishedFor(appId).Where(m => m is HeartbeatFailed or EnableFailed).ToList();
        Assert.Collection(ends, m => Assert.IsType<HeartbeatFailed>(m), m => Assert.IsType<EnableFailed>(m));
        Assert.Empty(exApp.Received("PUT", "/enabled"));
    }

    [Fact]
    public async Task Enable_while_an_install_is_in_flight_is_refused_and_the_install_goes_on()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        exApp.InitStatus = 404;
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var (appId, secret) = (NewAppId(), NewSecret());
        var install = LifecycleTestHost.ContainerStarted(appId, exApp, secret);
        await host.Publish(install);
        await Eventually.Row(appId, r => r.FailedTries >= 1, "a failed heartbeat");

        var enable = LifecycleTestHost.EnableApp(appId, exApp, secret, StandInDeployer.DockerDaemon);
        await host.Publish(enable);
        var refused = await host.Published<EnableFailed>(appId);

        Assert.Equal(enable.OperationId, refused.OperationId);
        Assert.Equal($"ExApp {appId} is busy: its install is still in progress (heartbeat); enable it once that has finished",
            refused.Reason);
        Assert.Empty(deployer.Started);
        exApp.HeartbeatFailures = 0;
        var enabled = await host.Published<Enabled>(appId);
        Assert.Equal(install.OperationId, enabled.OperationId);
        Assert.Equal(install.OperationId, (await TestDatabase.FindAsync(appId))!.OperationId);
    }

    [Fact]
    public async Task Repeated_EnableApp_after_the_enable_changes_nothing()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer();
        await using var host = await LifecycleTestHost.StartAsync(deployer);
        var appId = NewAppId();
        var enable = LifecycleTestHost.EnableApp(appId, exApp, NewSecret(), StandInDeployer.DockerDaemon);
        await host.Publish(enable);
        await host.Published<Enabled>(appId);

        await host.Publish(enable);
        await host.Consumed<EnableApp>(m => m.OperationId == enable.OperationId, count: 2);

        Assert.Single(deployer.Started);
        Assert.Single(exApp.Received("PUT", "/enabled"));
        Assert.Single(host.PublishedFor(appId).OfType<Enabled>());
        Assert.Equal(OperationState.Enabled, (await TestDatabase.FindAsync(appId))!.State);
    }

    [Fact]
    public void Busy_reason_names_the_operation_in_flight()
    {
        var row = NewOperation.Create(Guid.NewGuid(), "app1", "update", "1.0.0", "http://x", new Secret("s"),
            OperationState.Initializing, DateTimeOffset.UtcNow);

        Assert.Equal("ExApp app1 is busy: its update is still in progress (initializing); enable it once that has finished",
            EnableAppConsumer.BusyReason(row));
    }
}
