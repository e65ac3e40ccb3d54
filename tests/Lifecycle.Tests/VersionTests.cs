using ExApps.Contracts;
using ExApps.Lifecycle.Consumers;

namespace ExApps.Lifecycle.Tests;

/// <summary>The EX-APP-VERSION rule (spec §4.1): a greater reported version is the one later calls carry.</summary>
public sealed class VersionTests : LifecycleTest
{
    [Fact]
    public async Task A_greater_reported_version_is_used_for_later_calls_and_a_lower_one_is_ignored()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var appId = NewAppId();
        await host.Publish(LifecycleTestHost.ContainerStarted(appId, exApp, NewSecret(), version: "1.0.0"));
        await Eventually.True(() => exApp.Received("POST", "/init").Count == 1, "POST /init");

        await host.Publish(new AppVersionReported(appId, "1.10.0"));
        await host.Consumed<AppVersionReported>(m => m.AppId == appId);
        await host.Publish(new AppVersionReported(appId, "1.9.0"));
        await host.Consumed<AppVersionReported>(m => m.AppId == appId, count: 2);
        await host.Publish(new InitProgress(appId, 100, "", DateTimeOffset.UtcNow));
        await host.Published<Enabled>(appId);

        Assert.Equal("1.0.0", exApp.Received("POST", "/init").Single().Headers["ex-app-version"]);
        Assert.Equal("1.10.0", exApp.Received("PUT", "/enabled").Single().Headers["ex-app-version"]);
        Assert.Equal("1.10.0", (await TestDatabase.FindAsync(appId))!.Version);
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

    [Theory]
    [InlineData("1.0.1", "1.0.0", true)]
    [InlineData("1.10.0", "1.9.9", true)]
    [InlineData("2", "1.99.99", true)]
    [InlineData("1.0.0", "1.0.0-rc1", true)]
    [InlineData("1.0.0", "1.0", false)]
    [InlineData("1.0.0", "1.0.0", false)]
    [InlineData("1.0.0-rc1", "1.0.0", false)]
    [InlineData("0.9.0", "1.0.0", false)]
    public void Versions_compare_by_number(string candidate, string current, bool greater) =>
        Assert.Equal(greater, AppVersions.IsGreater(candidate, current));
}
