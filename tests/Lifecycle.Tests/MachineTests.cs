using ExApps.Contracts;
using ExApps.Lifecycle.Machine;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Tests;

/// <summary>The transition table and the status rules, without a database or a bus.</summary>
public sealed class MachineTests
{
    private static readonly AppOperationMachine Machine = new(Options.Create(new LifecycleOptions()));

    public static TheoryData<string> Steps() => new(typeof(Step).GetFields().Select(f => (string)f.GetValue(null)!));

    [Theory]
    [MemberData(nameof(Steps))]
    public void Every_step_but_idle_has_a_way_out(string step)
    {
        var rules = Machine.Declared().Where(d => d.Step == step).Select(d => d.Message).ToList();
        // idle: only requests and what the watching of enabled apps sees
        if (step == Step.Idle) Assert.All(rules, t => Assert.True(t.Namespace == typeof(InstallApp).Namespace || t == typeof(AppWatched), t.Name));
        else Assert.NotEmpty(rules);
    }

    [Theory]
    [InlineData(Step.Deploying, typeof(TimerFired))]
    [InlineData(Step.Starting, typeof(TimerFired))]
    [InlineData(Step.InitVisible, typeof(TimerFired))]
    [InlineData(Step.Initializing, typeof(TimerFired))]
    [InlineData(Step.EnableVisible, typeof(TimerFired))]
    [InlineData(Step.Stopping, typeof(TimerFired))]
    [InlineData(Step.Removing, typeof(TimerFired))]
    public void Every_waiting_step_gives_up_by_its_deadline(string step, Type timer) =>
        Assert.Contains((step, timer), Machine.Declared());

    [Fact]
    public void Unregister_is_taken_in_every_step_and_other_requests_only_when_idle()
    {
        var any = Machine.Declared().Where(d => d.Step == "*").Select(d => d.Message).ToHashSet();
        Assert.Contains(typeof(UnregisterApp), any);
        foreach (var request in new[] { typeof(UpdateApp), typeof(EnableApp), typeof(DisableApp) })
            Assert.Contains((Step.Idle, request), Machine.Declared());
    }

    [Fact]
    public void Deploy_zero_starts_the_deploy_and_hundred_moves_to_healthcheck_after_which_progress_is_ignored()
    {
        var s = new StatusObject { Error = "old" };
        Assert.True(s.ApplyDeploy(0, 1234));
        Assert.Equal(("deploy", 1234L, ""), (s.Action, s.DeployStartTime, s.Error));
        Assert.True(s.ApplyDeploy(100, 1240));
        Assert.Equal("healthcheck", s.Action);
        Assert.False(s.ApplyDeploy(40, 1241));
        Assert.Equal(100, s.Deploy);
    }

    [Fact]
    public void Init_hundred_clears_action_and_type_after_which_progress_is_ignored()
    {
        var s = StatusObject.Begin("install");
        s.ApplyInit(0, 10);
        Assert.Equal(("init", 10L), (s.Action, s.InitStartTime));
        Assert.False(s.ApplyInit(0, 10) && s.Init != 0);
        s.ApplyInit(100, 11);
        Assert.Equal(("", ""), (s.Action, s.Type));
        Assert.False(s.ApplyInit(50, 12));
        Assert.Equal(100, s.Init);
    }
}

public sealed class HeartbeatRoundTests
{
    [Theory]
    [InlineData(0, 5)]    // the first round: its count shows soon
    [InlineData(3, 5)]
    [InlineData(12, 12)]  // then as long as the heartbeat has failed so far...
    [InlineData(24, 24)]
    [InlineData(200, 30)] // ...up to HeartbeatRound
    public void Rounds_grow_with_the_failed_tries_up_to_the_longest(int tries, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Engine.StepActions.RoundLength(tries, new LifecycleOptions()));

    [Fact]
    public void Tries_at_the_steady_interval_are_put_on_a_100_ms_grid()
    {
        var at = new DateTimeOffset(2026, 12, 2, 7, 0, 0, 123, TimeSpan.Zero);
        Assert.Equal(at.AddMilliseconds(77), Engine.StepActions.AlignUp(at, Engine.StepActions.TryGrid));
        Assert.Equal(at.AddMilliseconds(-23), Engine.StepActions.AlignUp(at.AddMilliseconds(-23), Engine.StepActions.TryGrid));
        Assert.Equal(at.AddMilliseconds(77), Engine.StepActions.AlignUp(at.AddTicks(1).AddMilliseconds(76), Engine.StepActions.TryGrid));
    }

    [Fact]
    public void A_shorter_longest_round_bounds_the_first_too_and_zero_means_one_try_per_step()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(150), Engine.StepActions.RoundLength(0,
            new LifecycleOptions { HeartbeatRound = TimeSpan.FromMilliseconds(150) }));
        Assert.Equal(TimeSpan.Zero, Engine.StepActions.RoundLength(50,
            new LifecycleOptions { HeartbeatRound = TimeSpan.Zero }));
    }
}
