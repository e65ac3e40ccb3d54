using ExApps.Contracts;
using ExApps.Lifecycle.Machine;

namespace ExApps.Lifecycle.Tests;

/// <summary>The state lives in PostgreSQL: a new process on the same database finishes what a stopped one left,
/// at once (the stopped process no longer shows signs of life), not after the step's lease.</summary>
public sealed class RestartTests : LifecycleTest
{
    private static readonly (string, string)[] FastTakeover = [("Lifecycle:InstanceTimeout", "00:00:01")];

    [Fact]
    public async Task New_host_finishes_an_app_left_in_heartbeat_and_keeps_counting_its_tries()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        exApp.InitStatus = 404;
        var app = NewApp(exApp, docker: false);
        var install = app.Install();
        await using (var first = await LifecycleTestHost.StartAsync(FastTakeover))
        {
            await first.Publish(install);
            await Eventually.Row(app.AppId, r => r.Tries >= 2, "two failed heartbeats");
        }
        var left = (await TestDatabase.FindAsync(app.AppId))!;
        Assert.Equal(Step.Heartbeat, left.Step);

        exApp.HeartbeatFailures = exApp.HeartbeatCount; // the next try succeeds
        await using var second = await LifecycleTestHost.StartAsync(FastTakeover);
        var heartbeatOk = await second.Published<HeartbeatOk>(app.AppId);

        Assert.InRange(heartbeatOk.FailedTries, left.Tries, exApp.HeartbeatCount - 1);
        Assert.Equal(Outcome.Enabled, (await Eventually.Row(app.AppId, r => r.Step == Step.Idle, "idle")).LastOp!.Outcome);
    }

    [Fact]
    public async Task New_host_calls_enable_again_when_the_previous_one_stopped_mid_call()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        var holdEnable = new TaskCompletionSource();
        exApp.EnableAnswersAfter = holdEnable.Task;
        var app = NewApp(exApp, docker: false);
        await using (var first = await LifecycleTestHost.StartAsync(FastTakeover))
        {
            await first.Publish(app.Install());
            await Eventually.True(() => exApp.Received("PUT", "/enabled").Count == 1, "the first PUT /enabled");
        }
        Assert.Equal(Step.Enabling, (await TestDatabase.FindAsync(app.AppId))!.Step);
        holdEnable.SetResult();

        await using var second = await LifecycleTestHost.StartAsync(FastTakeover);
        await second.Published<Enabled>(app.AppId);

        Assert.True(exApp.Received("PUT", "/enabled").Count >= 2);
        Assert.Equal(Step.Idle, (await TestDatabase.FindAsync(app.AppId))!.Step);
    }

    [Fact]
    public async Task New_host_calls_init_again_when_the_previous_one_stopped_before_init_answered()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var holdInit = new TaskCompletionSource();
        exApp.InitAnswersAfter = holdInit.Task;
        var app = NewApp(exApp, docker: false);
        await using (var first = await LifecycleTestHost.StartAsync(FastTakeover))
        {
            await first.Publish(app.Install());
            await Eventually.True(() => exApp.Received("POST", "/init").Count == 1, "the first POST /init");
        }
        holdInit.SetResult();
        exApp.InitStatus = 404;

        await using var second = await LifecycleTestHost.StartAsync(FastTakeover);
        await second.Published<Enabled>(app.AppId);

        Assert.Equal(2, exApp.Received("POST", "/init").Count);
    }

    [Fact]
    public async Task Reports_arriving_after_a_restart_finish_an_init_the_ExApp_already_accepted()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var app = NewApp(exApp, docker: false);
        await using (var first = await LifecycleTestHost.StartAsync(FastTakeover))
        {
            await first.Publish(app.Install());
            await Eventually.Row(app.AppId, r => r.Step == Step.Initializing, "initializing");
        }

        await using var second = await LifecycleTestHost.StartAsync(FastTakeover);
        await second.Publish(app.Report(100));
        await second.Published<Enabled>(app.AppId);

        Assert.Single(exApp.Received("POST", "/init"));
    }

    [Fact]
    public async Task Messages_a_stopped_process_committed_but_never_published_go_out_from_the_next_one()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var app = NewApp(exApp, docker: false);
        await using (var first = await LifecycleTestHost.StartAsync(FastTakeover))
        {
            await first.Publish(app.Install());
            await Eventually.Row(app.AppId, r => r.Step == Step.Initializing, "initializing");
        }
        // as if the process had died right after its commit: the snapshot waits in the outbox
        await using (var cmd = TestDatabase.DataSource.CreateCommand(
                         "INSERT INTO lifecycle.outbox (message_type, body, created_at, mandatory) VALUES (@t, @b::jsonb, now(), true)"))
        {
            cmd.Parameters.AddWithValue("t", typeof(HeartbeatOk).FullName!);
            cmd.Parameters.AddWithValue("b", $$"""{"OperationId":"{{Guid.NewGuid()}}","AppId":"{{app.AppId}}","FailedTries":7}""");
            await cmd.ExecuteNonQueryAsync();
        }

        await using var second = await LifecycleTestHost.StartAsync(FastTakeover);

        Assert.Equal(7, (await second.Published<HeartbeatOk>(app.AppId)).FailedTries);
        await Eventually.True(() => TestDatabase.OutboxCountAsync().Result == 0, "an empty outbox");
    }
}
