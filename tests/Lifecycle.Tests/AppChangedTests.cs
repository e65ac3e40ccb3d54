using ExApps.Contracts;
using ExApps.Lifecycle.Machine;

namespace ExApps.Lifecycle.Tests;

/// <summary>The registry announces every change of an app it shows (<see cref="AppChanged"/>); only an app waiting in
/// a visibility step acts on it. The others are answered from a plain read of the step, without a transaction or
/// the row lock (OperationEngine), while the visibility barrier still works.</summary>
public sealed class AppChangedTests : LifecycleTest
{
    [Fact]
    public async Task Announcements_an_app_does_not_wait_for_take_no_transaction_and_the_one_it_waits_for_moves_it_on()
    {
        await using var exApp = await StandInExApp.StartAsync();
        exApp.InitStatus = 404; // no init step: init is called, then the app is enabled
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp, docker: false);
        var install = app.Install();

        await host.Publish(install);
        var ended = await host.Ended(app.AppId, install.OperationId);
        Assert.Equal(Outcome.Enabled, ended.LastOperation!.Outcome);
        // the stand-in registry announced every snapshot, the last one too
        await host.Consumed<AppChanged>(c => c.AppId == app.AppId && c.Seq == ended.Seq);

        // init was called once the registry confirmed the enabled app, not after the barrier's deadline
        host.AssertNeverLogged("did not confirm it shows the app enabled");
        Assert.Single(exApp.Received("POST", "/init"));
        // every other announcement was answered by the read, none by a locked transaction that found no rule
        Assert.Contains(host.Logs.Lines, l => l.Contains($"ExApp {app.AppId}: AppChanged read during {Step.Idle}, which has no rule for it"));
        host.AssertNeverLogged($"ExApp {app.AppId}: no rule for AppChanged");

        // a late announcement of an app that is gone, or was never there, changes nothing
        await host.Publish(new AppChanged("never-installed", 3));
        await host.Consumed<AppChanged>(c => c.AppId == "never-installed");
        Assert.Null(await TestDatabase.FindAsync("never-installed"));
    }
}
