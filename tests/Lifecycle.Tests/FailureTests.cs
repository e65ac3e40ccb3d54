using ExApps.Contracts;
using ExApps.Lifecycle.Machine;
using MassTransit;

namespace ExApps.Lifecycle.Tests;

/// <summary>Every way an install can fail ends the operation with a readable error and the app disabled.</summary>
public sealed class FailureTests : LifecycleTest
{
    [Fact]
    public async Task A_slow_heartbeat_is_retried_within_one_step_and_its_count_shown_when_it_answers()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = 14;
        exApp.InitStatus = 404;
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:HeartbeatInterval", "00:00:00.020"));
        var app = NewApp(exApp, docker: false);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal((Outcome.Enabled, 14, 15), (ended.LastOperation!.Outcome, ended.Status.HeartbeatCount, exApp.HeartbeatCount));
        Assert.Equal(14, (await host.Published<HeartbeatOk>(app.AppId)).FailedTries);
        // The 14 failed tries were one round in memory: no transition, so no snapshot, for any of them.
        var shown = host.Registry.For(app.AppId).Select(s => s.Status.HeartbeatCount).Distinct().Order().ToList();
        Assert.Equal([0, 14], shown);
    }

    [Fact]
    public async Task A_heartbeat_round_ends_after_its_time_and_the_count_grows_round_by_round()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = 40;
        exApp.InitStatus = 404;
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:HeartbeatInterval", "00:00:00.020"),
            ("Lifecycle:HeartbeatRound", "00:00:00.150"));
        var app = NewApp(exApp, docker: false);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal((Outcome.Enabled, 40), (ended.LastOperation!.Outcome, ended.Status.HeartbeatCount));
        // Rounds of a few tries each: the registry is shown the count as the rounds end, before the last answer.
        var shown = host.Registry.For(app.AppId).Select(s => s.Status.HeartbeatCount).Distinct().Order().ToList();
        Assert.Contains(shown, n => n is > 0 and < 40);
    }

    [Fact]
    public async Task A_heartbeat_round_holds_no_slot_between_its_tries()
    {
        // One slot, and a round far longer than the test: the first app keeps failing within its first round.
        await using var slowExApp = await StandInExApp.StartAsync();
        slowExApp.HeartbeatFailures = StandInExApp.NeverReady;
        var slow = NewApp(slowExApp, docker: false);
        await using var readyExApp = await StandInExApp.StartAsync();
        readyExApp.HeartbeatFailures = 3;
        readyExApp.InitStatus = 404;
        var ready = NewApp(readyExApp, docker: false);
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:MaxConcurrentSteps", "1"),
            ("Lifecycle:HeartbeatInterval", "00:00:00.050"), ("Lifecycle:HeartbeatRound", "00:05:00"),
            ("Lifecycle:HeartbeatFirstRound", "00:05:00"));

        await host.Publish(slow.Install());
        await Eventually.True(() => slowExApp.HeartbeatCount >= 3, "the first app's round is under way");
        var install = ready.Install();
        await host.Publish(install);

        // The second app got the slot between the first one's tries, all the way to enabled...
        Assert.Equal(Outcome.Enabled, (await host.Ended(ready.AppId, install.OperationId)).LastOperation!.Outcome);
        // ...and the first one still tries (its round ended early only when the slot was taken for its next try).
        var tries = slowExApp.HeartbeatCount;
        Assert.Equal(Step.Heartbeat, (await TestDatabase.FindAsync(slow.AppId))!.Step);
        await Eventually.True(() => slowExApp.HeartbeatCount > tries, "the first app goes on trying");
    }

    [Fact]
    public async Task Heartbeat_never_ok_fails_at_its_deadline_with_the_failed_tries_counted()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:HeartbeatTimeout", "00:00:01.500"));
        var app = NewApp(exApp, docker: false);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal((Outcome.Failed, "Heartbeat check failed", false),
            (ended.LastOperation!.Outcome, ended.Status.Error, ended.Enabled));
        var failed = await host.Published<HeartbeatFailed>(app.AppId);
        Assert.Equal(ended.Status.HeartbeatCount, failed.FailedTries);
        Assert.InRange(failed.FailedTries, 5, exApp.HeartbeatCount);
        Assert.Empty(exApp.Received("POST", "/init"));
    }

    [Fact]
    public async Task Deploy_failure_ends_the_install_with_the_deployers_reason()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer { DeployFailure = "pull access denied for test/app" };
        await using var host = await LifecycleTestHost.StartAsync(deployer, new StandInRegistry());
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal((Outcome.Failed, "pull access denied for test/app", 50),
            (ended.LastOperation!.Outcome, ended.Status.Error, ended.Status.Deploy));
        Assert.Equal(0, exApp.HeartbeatCount);
    }

    [Fact]
    public async Task A_deploy_nobody_answers_fails_after_the_idle_timeout()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer { AnswerDeploys = false };
        await using var host = await LifecycleTestHost.StartAsync(deployer, new StandInRegistry(),
            ("Lifecycle:DeployIdleTimeout", "00:00:01"));
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Contains("made no progress", ended.Status.Error);
        Assert.Contains("deployer", ended.Status.Error);
    }

    [Fact]
    public async Task A_deploy_request_that_faulted_in_the_deployer_fails_the_install()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var deployer = new StandInDeployer { AnswerDeploys = false };
        await using var host = await LifecycleTestHost.StartAsync(deployer, new StandInRegistry());
        var app = NewApp(exApp);
        var install = app.Install();
        await host.Publish(install);
        var request = await Eventually.Get(() => deployer.Deploys.FirstOrDefault(), "DeployRequested");

        await host.Harness.Bus.Publish<Fault<DeployRequested>>(new MassTransit.Events.FaultEvent<DeployRequested>(
            request, Guid.NewGuid(), MassTransit.Metadata.HostMetadataCache.Host, new InvalidOperationException("deployer database down"), []));
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal("Deploy failed: deployer database down", ended.Status.Error);
    }

    [Fact]
    public async Task Init_answering_500_fails_the_init_with_a_readable_reason()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 500;
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal($"ExApp {app.AppId} init request failed: it answered HTTP 500 (Internal Server Error)", ended.Status.Error);
        Assert.False(ended.Enabled);
        Assert.Equal(ended.Status.Error, (await host.Published<InitFailed>(app.AppId)).Reason);
    }

    [Fact]
    public async Task Init_answering_401_names_the_address_that_refused_the_secret()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 401;
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.StartsWith($"ExApp {app.AppId} init request failed: it answered HTTP 401 (Unauthorized). What answers at " +
                          $"{exApp.Url} refused the app's secret", ended.Status.Error);
        Assert.DoesNotContain(app.Secret, ended.Status.Error);
    }

    [Fact]
    public async Task Init_error_report_fails_the_init_with_that_error()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = app.Install();
        await host.Publish(install);
        await Eventually.Row(app.AppId, r => r.Step == Step.Initializing, "initializing");

        await host.Publish(app.Report(30, "model download failed"));
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal(("model download failed", false), (ended.Status.Error, ended.Enabled));
        Assert.Empty(exApp.Received("PUT", "/enabled"));
    }

    [Fact]
    public async Task Init_without_completion_times_out_and_a_late_report_is_ignored()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:InitTimeout", "00:00:02"));
        var app = NewApp(exApp, docker: false);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);
        await host.Publish(app.Report(100));
        await host.Consumed<InitProgress>(p => p.AppId == app.AppId && p.Progress == 100);

        Assert.Equal($"ExApp {app.AppId} initialization timed out (0.03m)", ended.Status.Error);
        Assert.Empty(exApp.Received("PUT", "/enabled"));
        Assert.Equal(ended.Seq, host.Registry.Latest(app.AppId)!.Seq);
    }

    [Fact]
    public async Task Init_of_a_container_times_out_at_its_limit_even_when_the_container_check_is_further_off()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:InitTimeout", "00:00:02"),
            ("Lifecycle:ContainerCheckInterval", "00:10:00"));
        var app = NewApp(exApp, docker: true);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal($"ExApp {app.AppId} initialization timed out (0.03m)", ended.Status.Error);
    }

    [Fact]
    public async Task Enable_refused_by_the_ExApp_disables_the_app_with_its_error()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        exApp.EnableError = "missing model";
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal(($"Failed to enable ExApp {app.AppId}: missing model", false), (ended.Status.Error, ended.Enabled));
        Assert.Equal(ended.Status.Error, (await host.Published<EnableFailed>(app.AppId)).Reason);
    }

    [Fact]
    public async Task A_container_that_exits_while_the_heartbeat_waits_ends_the_install_with_its_exit_code_and_logs()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = StandInExApp.NeverReady;
        var deployer = new StandInDeployer
        {
            Inspect = id => new ContainerInspected
            {
                AppId = id, Exists = true, Running = false, Status = "exited", ExitCode = 3,
                Logs = "Traceback: ImportError: no module named torch",
            },
        };
        await using var host = await LifecycleTestHost.StartAsync(deployer, new StandInRegistry(),
            ("Lifecycle:ContainerCheckInterval", "00:00:00.200"));
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.StartsWith($"Container nc_app_{app.AppId} exited with code 3", ended.Status.Error);
        Assert.Contains("no module named torch", ended.Status.Error);
        await Eventually.True(() => deployer.Stopped.Contains(app.AppId), "the crashed container is stopped");
    }

    [Theory]
    [InlineData("heartbeat")]
    [InlineData("init")]
    public async Task Dockers_event_that_the_container_died_makes_the_check_at_once(string during)
    {
        // The regular check comes only every 10 min here: the install ends with the crash because of the event.
        await using var exApp = await StandInExApp.StartAsync();
        if (during == "heartbeat") exApp.HeartbeatFailures = StandInExApp.NeverReady;
        var died = false;
        var deployer = new StandInDeployer
        {
            Inspect = id => Volatile.Read(ref died)
                ? new ContainerInspected { AppId = id, Exists = true, Running = false, Status = "exited", ExitCode = 3, Logs = "Killed" }
                : new ContainerInspected { AppId = id, Exists = true, Running = true, Status = "running" },
        };
        await using var host = await LifecycleTestHost.StartAsync(deployer, new StandInRegistry(),
            ("Lifecycle:ContainerCheckInterval", "00:10:00"));
        var app = NewApp(exApp);
        var install = app.Install();
        await host.Publish(install);
        var step = during == "heartbeat" ? Step.Heartbeat : Step.Initializing;
        await Eventually.Row(app.AppId, r => r.Step == step, step);
        if (during == "heartbeat") await Eventually.True(() => deployer.Inspected.Contains(app.AppId), "the first check");

        // An event of another daemon, or a start, changes nothing; the container's death is checked at once.
        await host.Publish(new ContainerStateChanged(app.AppId, "another_daemon", "die", 3, DateTimeOffset.UtcNow));
        await host.Publish(new ContainerStateChanged(app.AppId, app.Spec().Daemon.Name, "start", 0, DateTimeOffset.UtcNow));
        await host.Consumed<ContainerStateChanged>(e => e.AppId == app.AppId, count: 2);
        Volatile.Write(ref died, true);
        Assert.Equal(step, (await TestDatabase.FindAsync(app.AppId))!.Step);
        await host.Publish(new ContainerStateChanged(app.AppId, app.Spec().Daemon.Name, "die", 3, DateTimeOffset.UtcNow));
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal($"Container nc_app_{app.AppId} exited with code 3. Last log lines:\nKilled", ended.Status.Error);
        Assert.False(ended.Enabled);
    }

    [Fact]
    public async Task A_container_that_restarts_during_init_ends_the_install()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var restarts = 0;
        var deployer = new StandInDeployer
        {
            Inspect = id => new ContainerInspected
            {
                AppId = id, Exists = true, Running = true, Status = "running", RestartCount = restarts, ExitCode = 137,
            },
        };
        await using var host = await LifecycleTestHost.StartAsync(deployer, new StandInRegistry(),
            ("Lifecycle:ContainerCheckInterval", "00:00:00.200"));
        var app = NewApp(exApp);
        var install = app.Install();
        await host.Publish(install);
        await Eventually.Row(app.AppId, r => r.Step == Step.Initializing, "initializing");
        await Eventually.True(() => deployer.Inspected.Contains(app.AppId), "a container check during init");

        Interlocked.Increment(ref restarts);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal($"Container nc_app_{app.AppId} restarted 1 time(s) (last exit code 137).", ended.Status.Error);
        Assert.False(ended.Enabled);
    }
}
