using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;

namespace ExApps.Lifecycle.Tests;

/// <summary>The state lives in PostgreSQL: a new process on the same database finishes what a stopped one left.</summary>
public sealed class RestartTests : LifecycleTest
{
    [Fact]
    public async Task New_host_finishes_an_app_left_in_heartbeat_and_keeps_counting_its_tries()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        exApp.InitStatus = 404;
        var appId = NewAppId();
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret());
        await using (var first = await LifecycleTestHost.StartAsync())
        {
            await first.Publish(started);
            await Eventually.Row(appId, r => r.FailedTries >= 2, "two failed heartbeats");
        }
        var left = await TestDatabase.FindAsync(appId);
        Assert.Equal(OperationState.Heartbeat, left!.State);

        exApp.HeartbeatFailures = exApp.HeartbeatCount; // the next try succeeds
        await using var second = await LifecycleTestHost.StartAsync();
        var heartbeatOk = await second.Published<HeartbeatOk>(appId);
        var enabled = await second.Published<Enabled>(appId);

        Assert.Equal(started.OperationId, enabled.OperationId);
        // the count goes on from where the first host left it (a try cut off by its stop is not a failed try)
        Assert.InRange(heartbeatOk.FailedTries, left.FailedTries, exApp.HeartbeatCount - 1);
        Assert.Equal(OperationState.Enabled, (await TestDatabase.FindAsync(appId))!.State);
    }

    [Fact]
    public async Task New_host_enables_again_an_app_whose_enable_was_cut_off()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        var held = new TaskCompletionSource();
        exApp.EnableAnswersAfter = held.Task;
        var appId = NewAppId();
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret());
        await using (var first = await LifecycleTestHost.StartAsync())
        {
            await first.Publish(started);
            await Eventually.True(() => exApp.Received("PUT", "/enabled").Count == 1, "PUT /enabled");
        }
        Assert.Equal(OperationState.Enabling, (await TestDatabase.FindAsync(appId))!.State);

        held.SetResult();
        await using var second = await LifecycleTestHost.StartAsync();
        var enabled = await second.Published<Enabled>(appId);

        Assert.Equal(started.OperationId, enabled.OperationId);
        Assert.Equal(2, exApp.Received("PUT", "/enabled").Count);
        Assert.Equal(OperationState.Enabled, (await TestDatabase.FindAsync(appId))!.State);
    }

    [Fact]
    public async Task New_host_calls_init_again_when_the_previous_one_stopped_before_init_answered()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        var held = new TaskCompletionSource();
        exApp.InitAnswersAfter = held.Task;
        var appId = NewAppId();
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret());
        await using (var first = await LifecycleTestHost.StartAsync())
        {
            await first.Publish(started);
            await Eventually.True(() => exApp.Received("POST", "/init").Count == 1, "POST /init");
        }
        var left = await TestDatabase.FindAsync(appId);
        Assert.Equal((OperationState.Initializing, false), (left!.State, left.InitCalled));

        held.SetResult();
        await using var second = await LifecycleTestHost.StartAsync();
        var enabled = await second.Published<Enabled>(appId);

        Assert.Equal(started.OperationId, enabled.OperationId);
        Assert.Equal(2, exApp.Received("POST", "/init").Count);
    }

    [Fact]
    public async Task New_host_waits_for_reports_of_an_init_the_ExApp_already_accepted()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var appId = NewAppId();
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret());
        await using (var first = await LifecycleTestHost.StartAsync())
        {
            await first.Publish(started);
            await Eventually.Row(appId, r => r.InitCalled, "init accepted");
        }

        await using var second = await LifecycleTestHost.StartAsync();
        await second.Publish(new InitProgress(appId, 100, "", DateTimeOffset.UtcNow));
        await second.Published<Enabled>(appId);

        Assert.Single(exApp.Received("POST", "/init"));
    }
}
