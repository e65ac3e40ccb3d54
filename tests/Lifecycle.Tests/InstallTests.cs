using ExApps.Contracts;
using ExApps.Lifecycle.Machine;

namespace ExApps.Lifecycle.Tests;

public sealed class InstallTests : LifecycleTest
{
    [Fact]
    public async Task Install_deploys_then_heartbeat_then_init_reports_then_enabled()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.HeartbeatFailures = 2;
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);
        await Eventually.True(() => exApp.Received("POST", "/init").Count == 1, "POST /init");
        var initializing = await Eventually.Row(app.AppId, r => r.Step == Step.Initializing, "initializing");
        Assert.True(initializing.Enabled); // enabled before init, so the ExApp may call the platform meanwhile
        await host.Publish(app.Report(50));
        await host.Snapshot(app.AppId, s => s.Status.Init == 50, "init 50");
        Assert.Empty(exApp.Received("PUT", "/enabled"));
        await host.Publish(app.Report(100));
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal(Outcome.Enabled, ended.LastOperation!.Outcome);
        Assert.True(ended.Enabled);
        Assert.Equal(new AppStatusSnapshot
        {
            Deploy = 100, Init = 100, Action = "", Type = "", Error = "", HeartbeatCount = 2,
            DeployStartTime = ended.Status.DeployStartTime, InitStartTime = ended.Status.InitStartTime,
        }, ended.Status);
        var deploy = Assert.Single(host.Deployer.Deploys);
        Assert.Equal((install.OperationId, "install", app.AppId), (deploy.OperationId, deploy.Kind, deploy.AppId));
        Assert.Equal(new HeartbeatOk(install.OperationId, app.AppId, 2), await host.Published<HeartbeatOk>(app.AppId));
        Assert.Equal(install.OperationId, (await host.Published<Enabled>(app.AppId)).OperationId);
        Assert.Equal(Step.Idle, (await TestDatabase.FindAsync(app.AppId))!.Step);
        host.AssertNeverLogged(app.Secret);
    }

    [Fact]
    public async Task Snapshots_only_grow_and_walk_the_steps_in_order()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);
        await host.Ended(app.AppId, install.OperationId);

        // a disabled app may report init progress while its type is install: the first snapshot already says so
        Assert.Equal("install", host.Registry.For(app.AppId).MinBy(s => s.Seq)!.Status.Type);
        var seqs = host.Registry.For(app.AppId).Select(s => s.Seq).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        Assert.All(host.Registry.For(app.AppId), s => Assert.Equal(app.RegistrationId, s.RegistrationId));
    }

    [Fact]
    public async Task The_ExApp_is_called_only_once_the_registry_shows_it_enabled()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var registry = new StandInRegistry { ConfirmDelay = TimeSpan.FromMilliseconds(400) };
        await using var host = await LifecycleTestHost.StartAsync(new StandInDeployer(), registry);
        var app = NewApp(exApp);

        await host.Publish(app.Install());
        await Eventually.True(() => exApp.Received("POST", "/init").Count == 1, "POST /init");

        var enabledSeq = host.Registry.For(app.AppId).First(s => s.Enabled && s.AckRequested).Seq;
        var confirmed = host.Registry.Confirmed.First(c => c.AppId == app.AppId && c.Seq >= enabledSeq);
        Assert.True(exApp.Received("POST", "/init").Single().At >= confirmed.At);
    }

    [Fact]
    public async Task Without_a_confirmation_the_ExApp_is_called_after_the_visible_timeout()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 501;
        var registry = new StandInRegistry { Confirm = false };
        await using var host = await LifecycleTestHost.StartAsync(new StandInDeployer(), registry,
            ("Lifecycle:VisibleTimeout", "00:00:00.500"));
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);

        Assert.Equal(Outcome.Enabled, (await host.Ended(app.AppId, install.OperationId)).LastOperation!.Outcome);
    }

    [Fact]
    public async Task Calls_to_the_ExApp_carry_the_AppApi_headers_and_heartbeat_carries_none()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = app.Install("2.3.4");

        await host.Publish(install);
        await host.Ended(app.AppId, install.OperationId);

        var heartbeat = exApp.Received("GET", "/heartbeat").First();
        Assert.Equal("application/json", heartbeat.Headers["accept"]);
        Assert.False(heartbeat.Headers.ContainsKey("authorization-app-api"));
        foreach (var call in exApp.Received("POST", "/init").Concat(exApp.Received("PUT", "/enabled")))
        {
            Assert.Equal(app.AppId, call.Headers["ex-app-id"]);
            Assert.Equal("2.3.4", call.Headers["ex-app-version"]);
            Assert.Equal(AuthorizationFor(app.Secret), call.Headers["authorization-app-api"]);
            Assert.Equal(AppApiProtocol.Version, call.Headers["aa-version"]);
            Assert.True(Guid.TryParse(call.Headers["aa-request-id"], out _));
        }
        Assert.Equal("/enabled?enabled=1", exApp.Received("PUT", "/enabled").Single().PathAndQuery);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(501)]
    public async Task App_without_init_step_is_enabled_without_reports(int initStatus)
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = initStatus;
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal((100, "", Outcome.Enabled), (ended.Status.Init, ended.Status.Action, ended.LastOperation!.Outcome));
    }

    [Fact]
    public async Task Manual_install_asks_the_deployer_nothing_and_reports_deploy_done()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404;
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp, docker: false);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal((100, Outcome.Enabled), (ended.Status.Deploy, ended.LastOperation!.Outcome));
        Assert.Empty(host.Deployer.Deploys);
        Assert.Empty(host.Deployer.Inspected);
    }

    [Fact]
    public async Task A_report_during_a_slow_init_call_counts_and_the_late_answer_changes_nothing()
    {
        await using var exApp = await StandInExApp.StartAsync();
        var answerInit = new TaskCompletionSource();
        exApp.InitAnswersAfter = answerInit.Task;
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = app.Install();

        await host.Publish(install);
        await Eventually.True(() => exApp.Received("POST", "/init").Count == 1, "POST /init");
        await host.Publish(app.Report(100));
        await host.Ended(app.AppId, install.OperationId);
        answerInit.SetResult();
        await Task.Delay(300);

        var after = await TestDatabase.FindAsync(app.AppId);
        Assert.Equal((Step.Idle, true), (after!.Step, after.Enabled));
        Assert.Single(exApp.Received("PUT", "/enabled"));
    }
}
