using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;

namespace ExApps.Lifecycle.Tests;

public sealed class DuplicateAndOutOfOrderTests : LifecycleTest
{
    [Fact]
    public async Task Duplicate_ContainerStarted_does_not_restart_the_flow()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        exApp.InitStatus = 404;
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret());
        await host.Publish(started);
        var before = await Eventually.Row(appId, r => r.FailedTries >= 2, "two failed heartbeats");

        await host.Publish(started);
        await host.Consumed<ContainerStarted>(m => m.AppId == appId, count: 2);

        var after = await TestDatabase.FindAsync(appId);
        Assert.Equal(started.OperationId, after!.OperationId);
        Assert.Equal(before.HeartbeatDeadline, after.HeartbeatDeadline);
        Assert.True(after.FailedTries >= before.FailedTries, "the failed tries were reset");

        exApp.HeartbeatFailures = 0;
        await host.Published<Enabled>(appId);
        Assert.Single(host.PublishedFor(appId).OfType<HeartbeatOk>());
        Assert.Single(exApp.Received("POST", "/init"));
    }

    [Fact]
    public async Task ContainerStarted_of_a_new_operation_replaces_the_previous_one()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        exApp.InitStatus = 404;
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();
        var first = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret(), version: "1.0.0");
        await host.Publish(first);
        await Eventually.Row(appId, r => r.FailedTries >= 1, "a failed heartbeat");

        var update = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret(), version: "2.0.0") with
        {
            Kind = AppApiProtocol.KindUpdate,
        };
        await host.Publish(update);
        await host.Consumed<ContainerStarted>(m => m.OperationId == update.OperationId);
        exApp.HeartbeatFailures = 0;
        var enabled = await host.Published<Enabled>(appId);

        Assert.Equal(update.OperationId, enabled.OperationId);
        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal((update.OperationId, "update", "2.0.0"), (row!.OperationId, row.Kind, row.Version));
        Assert.Equal("2.0.0", exApp.Received("PUT", "/enabled").Single().Headers["ex-app-version"]);
        // the replaced install counted its failed tries while it ran, and announced nothing after that
        Assert.DoesNotContain(host.PublishedFor(appId),
            m => m.GetType().GetProperty("OperationId")?.GetValue(m) is Guid op && op == first.OperationId
                 && m is not ContainerStarted and not HeartbeatProgress);
    }

    [Fact]
    public async Task InitProgress_for_an_app_that_is_not_initializing_is_ignored()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        await using var host = await LifecycleTestHost.StartAsync();
        var (appId, unknownAppId) = (NewAppId(), NewAppId());
        await host.Publish(LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret()));
        await Eventually.Row(appId, r => r.FailedTries >= 1, "a failed heartbeat");

        await host.Publish(new InitProgress(appId, 100, "", DateTimeOffset.UtcNow));
        await host.Publish(new InitProgress(appId, 20, "too early", DateTimeOffset.UtcNow));
        await host.Publish(new InitProgress(unknownAppId, 100, "", DateTimeOffset.UtcNow));
        await host.Consumed<InitProgress>(p => p.AppId == appId, count: 2);
        await host.Consumed<InitProgress>(p => p.AppId == unknownAppId);

        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal(OperationState.Heartbeat, row!.State);
        Assert.NotEqual("too early", row.LastError);
        Assert.Null(await TestDatabase.FindAsync(unknownAppId));
        Assert.Empty(exApp.Received("PUT", "/enabled"));
        Assert.DoesNotContain(host.PublishedFor(appId), m => m is InitFailed or Enabled or EnableFailed);
    }

    [Fact]
    public async Task Init_report_after_the_app_is_enabled_changes_nothing()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 501;
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();
        await host.Publish(LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret()));
        await host.Published<Enabled>(appId);

        await host.Publish(new InitProgress(appId, 40, "late error", DateTimeOffset.UtcNow));
        await host.Publish(new InitProgress(appId, 100, "", DateTimeOffset.UtcNow));
        // the two above and the one this service published for the missing init step
        await host.Consumed<InitProgress>(p => p.AppId == appId, count: 3);

        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal((OperationState.Enabled, ""), (row!.State, row.LastError));
        Assert.Single(exApp.Received("PUT", "/enabled"));
        Assert.DoesNotContain(host.PublishedFor(appId), m => m is InitFailed or EnableFailed);
    }

    [Fact]
    public async Task AppUnregistered_forgets_the_app_and_stops_its_flow()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();
        await host.Publish(LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret()));
        await Eventually.Row(appId, r => r.FailedTries >= 1, "a failed heartbeat");

        await host.Publish(new AppUnregistered(appId));
        await host.Consumed<AppUnregistered>(m => m.AppId == appId);

        Assert.Null(await TestDatabase.FindAsync(appId));
        exApp.HeartbeatFailures = 0;
        await host.Publish(new InitProgress(appId, 100, "", DateTimeOffset.UtcNow));
        await host.Consumed<InitProgress>(p => p.AppId == appId);
        Assert.Null(await TestDatabase.FindAsync(appId));
        Assert.DoesNotContain(host.PublishedFor(appId), m => m is Enabled);
    }

    [Fact]
    public async Task Late_ContainerStarted_of_a_replaced_operation_does_not_bring_it_back()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        await using var host = await LifecycleTestHost.StartAsync();
        var (appId, secret) = (NewAppId(), NewSecret());
        var install = LifecycleTestHost.ContainerStarted(appId, exApp, secret);
        await host.Publish(install);
        await host.Published<Enabled>(appId);
        var disable = LifecycleTestHost.DisableApp(appId, exApp, secret, daemon: null);
        await host.Publish(disable);
        await host.Published<Disabled>(appId);

        await host.Publish(install);
        await host.Consumed<ContainerStarted>(m => m.AppId == appId, count: 2);

        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal((disable.OperationId, OperationState.Disabled), (row!.OperationId, row.State));
        Assert.Single(host.PublishedFor(appId).OfType<HeartbeatOk>());
        Assert.Single(exApp.Received("POST", "/init"));
    }
}
