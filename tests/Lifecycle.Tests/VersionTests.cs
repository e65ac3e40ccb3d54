using ExApps.Contracts;

namespace ExApps.Lifecycle.Tests;

/// <summary>The EX-APP-VERSION rule: a greater reported version is the one later calls carry.</summary>
public sealed class VersionTests : LifecycleTest
{
    [Fact]
    public async Task A_greater_reported_version_is_used_for_later_calls_and_a_lower_one_is_ignored()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp, docker: false);
        var install = app.Install("1.0.0");
        await host.Publish(install);
        await Eventually.True(() => exApp.Received("POST", "/init").Count == 1, "POST /init");

        await host.Publish(new AppVersionReported(app.AppId, "1.10.0"));
        await host.Consumed<AppVersionReported>(m => m.AppId == app.AppId);
        await host.Publish(new AppVersionReported(app.AppId, "1.9.0"));
        await host.Consumed<AppVersionReported>(m => m.AppId == app.AppId, count: 2);
        await host.Publish(app.Report(100));
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal("1.0.0", exApp.Received("POST", "/init").Single().Headers["ex-app-version"]);
        Assert.Equal("1.10.0", exApp.Received("PUT", "/enabled").Single().Headers["ex-app-version"]);
        Assert.Equal("1.10.0", ended.Version);
    }

    [Fact]
    public async Task Version_report_for_an_unknown_app_changes_nothing()
    {
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();

        await host.Publish(new AppVersionReported(appId, "9.0.0"));
        await host.Consumed<AppVersionReported>(m => m.AppId == appId);

        Assert.Null(await TestDatabase.FindAsync(appId));
    }
}
