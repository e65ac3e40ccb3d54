using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;

namespace ExApps.Lifecycle.Tests;

public sealed class InstallFlowTests : LifecycleTest
{
    [Fact]
    public async Task Install_goes_from_heartbeat_through_init_reports_to_enabled()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = 2;
        await using var host = await LifecycleTestHost.StartAsync();
        var (appId, secret) = (NewAppId(), NewSecret());
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, secret);

        await host.Publish(started);

        var initStarted = await host.Published<InitStarted>(appId);
        Assert.Equal(started.OperationId, initStarted.OperationId);
        await Eventually.True(() => exApp.Received("POST", "/init").Count == 1, "POST /init");
        var initializing = await TestDatabase.FindAsync(appId);
        Assert.Equal(OperationState.Initializing, initializing!.State);
        Assert.NotNull(initializing.InitStartedAt);

        // a report below 100 is progress only
        await host.Publish(new InitProgress(appId, 50, "", DateTimeOffset.UtcNow));
        await host.Consumed<InitProgress>(p => p.AppId == appId && p.Progress == 50);
        Assert.Equal(OperationState.Initializing, (await TestDatabase.FindAsync(appId))!.State);
        Assert.Empty(exApp.Received("PUT", "/enabled"));

        await host.Publish(new InitProgress(appId, 100, "", DateTimeOffset.UtcNow));
        var enabled = await host.Published<Enabled>(appId);

        Assert.Equal(started.OperationId, enabled.OperationId);
        Assert.Equal(OperationState.Enabled, (await TestDatabase.FindAsync(appId))!.State);
        var ownEvents = host.PublishedFor(appId).Where(m => m is not ContainerStarted and not InitProgress).ToList();
        Assert.Collection(ownEvents,
            m => Assert.Equal(new HeartbeatProgress(started.OperationId, appId, 1), m),
            m => Assert.Equal(new HeartbeatProgress(started.OperationId, appId, 2), m),
            m => Assert.Equal(new HeartbeatOk(started.OperationId, appId, 2), m),
            m => Assert.IsType<InitStarted>(m),
            m => Assert.IsType<Enabled>(m));
        host.AssertNeverLogged(secret);
    }

    [Fact]
    public async Task Calls_to_the_ExApp_carry_the_AppApi_headers_and_heartbeat_carries_none()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        await using var host = await LifecycleTestHost.StartAsync();
        var (appId, secret) = (NewAppId(), NewSecret());

        await host.Publish(LifecycleTestHost.ContainerStarted(appId, exApp, secret, version: "2.3.4"));
        await host.Published<Enabled>(appId);

        var heartbeat = exApp.Received("GET", "/heartbeat").First();
        Assert.Equal("application/json", heartbeat.Headers["accept"]);
        Assert.False(heartbeat.Headers.ContainsKey("authorization-app-api"));

        var init = exApp.Received("POST", "/init").Single();
        var enable = exApp.Received("PUT", "/enabled").Single();
        Assert.Equal("/enabled?enabled=1", enable.PathAndQuery);
        Assert.Equal("0", init.Headers.GetValueOrDefault("content-length", "0"));
        foreach (var call in new[] { init, enable })
        {
            Assert.Equal(AppApiProtocol.Version, call.Headers["aa-version"]);
            Assert.Equal(appId, call.Headers["ex-app-id"]);
            Assert.Equal("2.3.4", call.Headers["ex-app-version"]);
            Assert.Equal(AuthorizationFor(secret), call.Headers["authorization-app-api"]);
            Assert.True(Guid.TryParse(call.Headers["aa-request-id"], out _));
        }
        Assert.NotEqual(init.Headers["aa-request-id"], enable.Headers["aa-request-id"]);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(501)]
    public async Task App_without_init_step_is_enabled_without_reports(int initStatus)
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = initStatus;
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret());

        await host.Publish(started);
        await host.Published<Enabled>(appId);

        var ownEvents = host.PublishedFor(appId).Where(m => m is not ContainerStarted).ToList();
        Assert.Collection(ownEvents,
            m => Assert.Equal(new HeartbeatOk(started.OperationId, appId, 0), m),
            m => Assert.IsType<InitStarted>(m),
            m =>
            {
                var progress = Assert.IsType<InitProgress>(m);
                Assert.Equal((100, ""), (progress.Progress, progress.Error));
            },
            m => Assert.IsType<Enabled>(m));
        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal(OperationState.Enabled, row!.State);
        Assert.Single(exApp.Received("PUT", "/enabled"));
    }
}
