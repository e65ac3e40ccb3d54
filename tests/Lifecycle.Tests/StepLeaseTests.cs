using ExApps.Lifecycle.Engine;
using ExApps.Lifecycle.Machine;
using Microsoft.Extensions.DependencyInjection;

namespace ExApps.Lifecycle.Tests;

/// <summary>A transition that makes a step due now leases it to its own process in the same transaction, and the
/// step runs right after the commit instead of waiting for a claim of its own (docs/performance.md, install
/// latency). When every step slot is taken the step stays due and the worker claims it once one is free.</summary>
public sealed class StepLeaseTests : LifecycleTest
{
    [Fact]
    public async Task Steps_due_now_run_in_the_process_whose_transition_made_them_due()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        var initHeld = new TaskCompletionSource();
        exApp.InitAnswersAfter = initHeld.Task;
        var app = NewApp(exApp, docker: false);
        await using var host = await LifecycleTestHost.StartAsync();
        var install = app.Install();
        await host.Publish(install);

        // /init is being called: its step is leased to this process, under a token the claim would also have bumped
        await Eventually.True(() => exApp.Received("POST", "/init").Count == 1, "init called");
        var (owner, token, dueAt) = await LeaseAsync(app.AppId);
        Assert.Equal(host.Services.GetRequiredService<LiveInstances>().Id, owner);
        Assert.Equal(Step.CallingInit, (await TestDatabase.FindAsync(app.AppId))!.Step);
        Assert.True(dueAt > DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5), $"the lease runs for the step's length (due {dueAt:O})");

        initHeld.SetResult();
        Assert.Equal(Outcome.Enabled, (await host.Ended(app.AppId, install.OperationId)).LastOperation!.Outcome);
        var (ownerAfter, tokenAfter, _) = await LeaseAsync(app.AppId);
        Assert.Null(ownerAfter); // idle: the last step's lease ended with its transition
        Assert.True(tokenAfter > token, "enabling was leased after init");
        foreach (var step in new[] { Step.Heartbeat, Step.CallingInit, Step.Enabling })
            Assert.Contains(host.Logs.Lines, l => l.Contains($"ExApp {app.AppId}: step {step} leased with its transition"));
        Assert.Single(exApp.Received("POST", "/init"));
        Assert.Single(exApp.Received("PUT", "/enabled"), r => r.PathAndQuery.EndsWith("=1"));
    }

    [Fact]
    public async Task With_every_slot_taken_a_step_due_now_waits_for_the_worker_and_still_runs()
    {
        await using var busyExApp = await StandInExApp.StartAsync();
        busyExApp.InitStatus = 404;
        var initHeld = new TaskCompletionSource();
        busyExApp.InitAnswersAfter = initHeld.Task;
        var busy = NewApp(busyExApp, docker: false);
        await using var waitingExApp = await StandInExApp.StartAsync();
        waitingExApp.InitStatus = 404;
        var waiting = NewApp(waitingExApp, docker: false);
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:MaxConcurrentSteps", "1"));

        var first = busy.Install();
        await host.Publish(first);
        await Eventually.True(() => busyExApp.Received("POST", "/init").Count == 1, "the only slot is taken by init");
        var second = waiting.Install();
        await host.Publish(second);
        await Eventually.Row(waiting.AppId, r => r.Step == Step.Heartbeat, "the second app's heartbeat is due");
        await Task.Delay(500);
        Assert.Equal(0, waitingExApp.HeartbeatCount); // no slot: neither leased nor claimed
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains($"ExApp {waiting.AppId}: step {Step.Heartbeat} leased"));

        initHeld.SetResult();
        Assert.Equal(Outcome.Enabled, (await host.Ended(busy.AppId, first.OperationId)).LastOperation!.Outcome);
        Assert.Equal(Outcome.Enabled, (await host.Ended(waiting.AppId, second.OperationId)).LastOperation!.Outcome);
        Assert.True(waitingExApp.HeartbeatCount >= 1);
    }

    [Fact]
    public void Slots_are_shared_and_given_back()
    {
        var signal = new StepSignal();
        Assert.False(signal.TryReserve()); // no worker yet: the step stays due

        var ran = new List<string>();
        signal.Attach(app => { ran.Add(app.AppId); return Task.CompletedTask; }, maxConcurrent: 2);
        Assert.True(signal.TryReserve());
        signal.Add(1); // a claim of the worker's own
        Assert.False(signal.TryReserve());
        Assert.Equal(0, signal.Free);

        signal.Unreserve(); // a transaction that did not commit
        Assert.Equal(1, signal.Free);
        Assert.True(signal.TryReserve());
        signal.Run(AppState("a"));
        Assert.Equal(["a"], ran);

        signal.Detach(); // stopping: a leased step whose commit comes now gives its slot back and waits for its lease
        var busy = signal.Busy;
        signal.Run(AppState("b"));
        Assert.Equal(busy - 1, signal.Busy);
        Assert.Equal(["a"], ran);
        Assert.False(signal.TryReserve());
    }

    [Fact]
    public async Task The_worker_is_woken_only_when_it_would_otherwise_be_late()
    {
        var signal = new StepSignal();
        signal.Attach(_ => Task.CompletedTask, maxConcurrent: 1);
        var now = DateTimeOffset.UtcNow;

        // awake (claiming): any step made due now may have been missed by the claim that runs
        Assert.True(await WokenAsync(signal, () => signal.Due(now + TimeSpan.FromHours(1))));
        // asleep until now + 3 s: a step due later is found by the next poll, one due earlier wakes the worker
        signal.Sleeping(now + TimeSpan.FromSeconds(3));
        Assert.False(await WokenAsync(signal, () => signal.Due(now + TimeSpan.FromSeconds(5))));
        Assert.True(await WokenAsync(signal, () => signal.Due(now + TimeSpan.FromSeconds(1))));
        signal.Awake();
        Assert.True(await WokenAsync(signal, () => signal.Due(now + TimeSpan.FromSeconds(5))));

        // a transition that finds no free slot leaves its step due: the worker must claim it once a slot is free
        Assert.False(signal.Starved);
        Assert.True(signal.TryReserve());
        Assert.False(signal.TryReserve());
        Assert.True(signal.Starved);
    }

    /// <summary>Whether <paramref name="act"/> left a wake for the worker's next wait.</summary>
    private static async Task<bool> WokenAsync(StepSignal signal, Action act)
    {
        act();
        using var cts = new CancellationTokenSource();
        var wait = signal.WaitAsync(TimeSpan.FromMinutes(5), TimeProvider.System, cts.Token);
        var woken = wait.IsCompleted; // a pending wake returns at once, without waiting
        await cts.CancelAsync();
        try { await wait; } catch (OperationCanceledException) { }
        return woken;
    }

    private static AppState AppState(string id) => new()
    {
        AppId = id, RegistrationId = Guid.NewGuid(), Version = "1.0.0",
        Spec = new Contracts.AppSpec
        {
            AppId = id, Version = "1.0.0", DisplayName = id, Port = 1, Secret = new Contracts.Secret("s"),
            ExAppUrl = "http://127.0.0.1:1", NextcloudUrl = "http://nextcloud.test",
            Image = new Contracts.ImageRef("localhost:5000", "test/app", "1.0.0"), Daemon = StandInDeployer.ManualDaemon,
        },
    };

    private static async Task<(Guid? Owner, long Token, DateTimeOffset? DueAt)> LeaseAsync(string appId)
    {
        await using var cmd = TestDatabase.DataSource.CreateCommand(
            "SELECT lease_owner, lease_token, due_at FROM lifecycle.apps WHERE app_id = @a");
        cmd.Parameters.AddWithValue("a", appId);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetInt64(1),
            reader.IsDBNull(2) ? null : new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero));
    }
}
