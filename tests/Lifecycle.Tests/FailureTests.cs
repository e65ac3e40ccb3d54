using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;

namespace ExApps.Lifecycle.Tests;

public sealed class FailureTests : LifecycleTest
{
    [Fact]
    public async Task Heartbeat_never_ok_fails_at_its_deadline_with_the_failed_tries_counted()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:HeartbeatTimeout", "00:00:01.500"));
        var appId = NewAppId();
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret());

        await host.Publish(started);
        var failed = await host.Published<HeartbeatFailed>(appId);

        Assert.Equal(started.OperationId, failed.OperationId);
        Assert.Equal("Heartbeat check failed", failed.Reason);
        Assert.True(failed.FailedTries >= 2, $"only {failed.FailedTries} tries");
        // every try the ExApp saw is counted, and none is made after the failure
        Assert.Equal(exApp.HeartbeatCount, failed.FailedTries);
        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal((OperationState.Failed, failed.FailedTries), (row!.State, row.FailedTries));
        Assert.Contains("503", row.LastError);
        Assert.DoesNotContain(host.PublishedFor(appId), m => m is HeartbeatOk or InitStarted);
    }

    [Fact]
    public async Task Init_answering_500_fails_the_init_with_a_readable_reason()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 500;
        await using var host = await LifecycleTestHost.StartAsync();
        var (appId, secret) = (NewAppId(), NewSecret());

        await host.Publish(LifecycleTestHost.ContainerStarted(appId, exApp, secret));
        var failed = await host.Published<InitFailed>(appId);

        Assert.Equal($"ExApp {appId} init request failed: it answered HTTP 500 (Internal Server Error)", failed.Reason);
        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal((OperationState.Failed, failed.Reason), (row!.State, row.LastError));
        Assert.Empty(exApp.Received("PUT", "/enabled"));
        host.AssertNeverLogged(secret);
    }

    [Fact]
    public async Task Init_error_report_fails_the_init_with_that_error()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret());
        await host.Publish(started);
        await host.Published<InitStarted>(appId);

        await host.Publish(new InitProgress(appId, 30, "model download failed", DateTimeOffset.UtcNow));
        var failed = await host.Published<InitFailed>(appId);

        Assert.Equal(new InitFailed(started.OperationId, appId, "model download failed"), failed);
        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal((OperationState.Failed, "model download failed"), (row!.State, row.LastError));
        Assert.Empty(exApp.Received("PUT", "/enabled"));
    }

    [Fact]
    public async Task Init_without_completion_times_out_and_a_late_report_is_ignored()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:InitTimeout", "00:00:03"));
        var appId = NewAppId();
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret());

        await host.Publish(started);
        var failed = await host.Published<InitFailed>(appId);

        Assert.Equal(new InitFailed(started.OperationId, appId, $"ExApp {appId} initialization timed out (0.05m)"),
            failed);
        Assert.Equal(OperationState.Failed, (await TestDatabase.FindAsync(appId))!.State);

        await host.Publish(new InitProgress(appId, 100, "", DateTimeOffset.UtcNow));
        await host.Consumed<InitProgress>(p => p.AppId == appId);
        Assert.Equal(OperationState.Failed, (await TestDatabase.FindAsync(appId))!.State);
        Assert.Empty(exApp.Received("PUT", "/enabled"));
        Assert.DoesNotContain(host.PublishedFor(appId), m => m is Enabled);
    }

    [Fact]
    public async Task Enable_refused_by_the_ExApp_publishes_EnableFailed_with_its_error()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        exApp.EnableError = "database not ready";
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();
        var started = LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret());

        await host.Publish(started);
        var failed = await host.Published<EnableFailed>(appId);

        Assert.Equal(new EnableFailed(started.OperationId, appId, $"Failed to enable ExApp {appId}: database not ready"),
            failed);
        var row = await TestDatabase.FindAsync(appId);
        Assert.Equal((OperationState.Failed, failed.Reason), (row!.State, row.LastError));
        Assert.DoesNotContain(host.PublishedFor(appId), m => m is Enabled);
    }

    [Fact]
    public async Task Enable_fails_when_the_ExApp_is_unreachable()
    {
        var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();
        await host.Publish(LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret()));
        await host.Published<InitStarted>(appId);
        await Eventually.True(() => exApp.Received("POST", "/init").Count == 1, "POST /init");
        await exApp.DisposeAsync();

        await host.Publish(new InitProgress(appId, 100, "", DateTimeOffset.UtcNow));
        var failed = await host.Published<EnableFailed>(appId);

        Assert.StartsWith($"Failed to enable ExApp {appId}: ", failed.Reason);
        Assert.Equal(OperationState.Failed, (await TestDatabase.FindAsync(appId))!.State);
    }
}
