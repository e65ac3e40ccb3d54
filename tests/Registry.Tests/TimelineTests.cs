using System.Text.Json;
using ExApps.Contracts;
using ExApps.Registry.Apps;
using ExApps.Registry.Status;
using ExApps.Registry.TestDeploy;
using ExApps.Registry.Timeline;

namespace ExApps.Registry.Tests;

/// <summary>What a snapshot adds to an app's timeline, and how a test deploy's steps follow its app.</summary>
public sealed class TimelineTests
{
    private static readonly Guid Op = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2025, 1, 2, 10, 0, 0, TimeSpan.Zero);

    private static AppStatusChanged Snapshot(string? step, int init = 0, long initStart = 0, OperationOutcome? last = null,
        AppHealth? health = null) => new()
    {
        AppId = "a", RegistrationId = Guid.NewGuid(), Seq = 1, Enabled = false, Version = "1.0.0", At = T0,
        Status = new AppStatusSnapshot { Init = init, InitStartTime = initStart },
        Operation = step is null ? null : new OperationSnapshot(Op, "install", step, T0), LastOperation = last, Health = health,
    };

    private static string Json(object o) => JsonSerializer.Serialize(o);

    [Fact]
    public void A_new_operation_adds_started_and_its_first_step()
    {
        var events = SnapshotEvents.Between(null, null, null, null, Snapshot("deploying"));
        Assert.Equal(["started", "step"], events.Select(e => e.Kind));
        Assert.Equal("Install started", events[0].Message);
    }

    [Fact]
    public void Init_progress_adds_a_line_per_tenth_crossed_before_the_step_it_led_to()
    {
        var old = Json(new OperationSnapshot(Op, "install", "initializing", T0));
        var status = Json(new AppStatus { Init = 35, InitStartTime = 5 });
        Assert.Empty(SnapshotEvents.Between(old, null, status, null, Snapshot("initializing", 38, 5)));
        var events = SnapshotEvents.Between(old, null, status, null, Snapshot("enabling", 100, 5));
        Assert.Equal(["init", "step"], events.Select(e => e.Kind));
        Assert.Equal("Init at 100 %", events[0].Message);
    }

    [Fact]
    public void An_enable_that_runs_no_init_adds_no_init_line()
    {
        var old = Json(new OperationSnapshot(Op, "enable", "heartbeat", T0));
        var status = Json(new AppStatus { Init = 100, InitStartTime = 5 });
        var events = SnapshotEvents.Between(old, null, status, null, Snapshot("enabling", 100, 5));
        Assert.DoesNotContain(events, e => e.Kind == "init");
    }

    [Fact]
    public void A_failure_names_the_step_it_happened_in()
    {
        var old = Json(new OperationSnapshot(Op, "install", "heartbeat", T0));
        var events = SnapshotEvents.Between(old, null, null, null,
            Snapshot(null, last: new OperationOutcome(Op, "install", "failed", "no answer", T0)));
        var outcome = Assert.Single(events);
        Assert.Equal("outcome", outcome.Kind);
        Assert.Equal("heartbeat", outcome.Step);
        Assert.Equal("Install failed at step heartbeat: no answer", outcome.Message);
    }

    [Fact]
    public void A_change_of_health_is_a_line_and_the_same_health_again_is_not()
    {
        var down = new AppHealth("down", "its container exited with code 1", T0, 1);
        Assert.Equal("Health down: its container exited with code 1",
            Assert.Single(SnapshotEvents.Between(null, null, null, null, Snapshot(null, health: down))).Message);
        Assert.Empty(SnapshotEvents.Between(null, null, null, Json(down), Snapshot(null, health: down)));
    }

    private static AppView App(string? step, int deploy = 0, int init = 0, int tries = 0, OutcomeView? last = null) =>
        new("t", "Test deploy", "1.0.0", "d", 23000, step is "enabling" or "initializing",
            new AppStatus { Deploy = deploy, Init = init, HeartbeatCount = tries }, 0, step is null ? null : "install",
            step is null ? null : new OperationView(Op, "install", step, T0), last);

    [Fact]
    public void Test_deploy_steps_only_move_forward_and_a_step_passed_unseen_counts_as_done()
    {
        var steps = TestDeploySteps.Next(TestDeploySteps.Initial(), App("deploying", deploy: 40), Op, T0);
        Assert.Equal("running", steps[0].State);
        steps = TestDeploySteps.Next(steps, App("initializing", deploy: 100, init: 40, tries: 2), Op, T0);
        Assert.Equal(["done", "done", "done", "running", "pending", "pending"], steps.Select(s => s.State));
        Assert.Equal("answered after 2 failed tries", steps[2].Detail);
        Assert.Equal("40 %", steps[3].Detail);
        // an older view arriving late does not move it back
        steps = TestDeploySteps.Next(steps, App("deploying", deploy: 90), Op, T0);
        Assert.Equal("running", steps[3].State);
    }

    [Fact]
    public void A_failed_test_deploy_fails_the_step_it_was_at_with_the_reason()
    {
        var steps = TestDeploySteps.Next(TestDeploySteps.Initial(), App("heartbeat", deploy: 100, tries: 3), Op, T0);
        var ended = TestDeploySteps.End(steps, passed: false, "no heartbeat within 10 min", T0);
        Assert.Equal("heartbeat", TestDeploySteps.Current(steps));
        Assert.Equal(["done", "done", "failed", "pending", "pending", "running"], ended.Select(s => s.State));
        Assert.Equal("no heartbeat within 10 min", ended[2].Detail);
        var removed = TestDeploySteps.AfterRemoval(ended, "", T0);
        Assert.Equal("done", removed[5].State);
    }
}
