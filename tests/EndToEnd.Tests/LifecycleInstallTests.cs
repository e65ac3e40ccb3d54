using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>Issue 5: heartbeat, init and enable of a real ExApp container driven by the real services, including
/// every way an install can fail (limits shortened by <see cref="LifecycleFixture"/>).</summary>
[Collection(LifecycleCollection.Name)]
public sealed class LifecycleInstallTests(LifecycleFixture platform)
{
    private async Task<(ProcessResult Result, JsonElement App)> InstallAsync(string appId, params string[] env)
    {
        await platform.EnsureDockerDaemonAsync();
        await platform.RemoveAppAsync(appId);
        string[] args = ["app:register", appId, LifecycleFixture.DockerDaemon, "--info-xml", TestApps.InfoXmlFor(appId),
            "--wait-finish", .. env.SelectMany(e => new[] { "--env", e })];
        var result = await platform.Cli(args);
        return (result, await platform.WaitEndedAsync(appId));
    }

    private static JsonElement Status(JsonElement app) => app.GetProperty("status");

    [Fact]
    public async Task App_whose_heartbeat_answers_after_5_s_is_enabled_with_its_failed_tries_counted()
    {
        var appId = platform.AppPrefix + "slowhb";
        try
        {
            var (result, app) = await InstallAsync(appId, "TEST_HEARTBEAT_DELAY_SECONDS=5");

            Assert.True(result.ExitCode == 0, result + "\n" + platform.Logs());
            var state = await platform.AssertEnabledAsync(app);
            Assert.True(Status(app).GetProperty("heartbeat_count").GetInt32() > 0, app.ToString());
            Assert.Equal(1, state.GetProperty("init_calls").GetInt32());
        }
        finally
        {
            await platform.RemoveAppAsync(appId);
        }
    }

    [Fact]
    public async Task App_whose_heartbeat_never_answers_fails_with_heartbeat_check_failed_at_the_limit()
    {
        var appId = platform.AppPrefix + "nohb";
        try
        {
            var (result, app) = await InstallAsync(appId, "TEST_HEARTBEAT_DELAY_SECONDS=never");

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.False(app.GetProperty("enabled").GetBoolean());
            Assert.Equal("Heartbeat check failed", Status(app).GetProperty("error").GetString());
            Assert.Equal(0, Status(app).GetProperty("init").GetInt32());
            Assert.True(Status(app).GetProperty("heartbeat_count").GetInt32() > 1, app.ToString());
        }
        finally
        {
            await platform.RemoveAppAsync(appId);
        }
    }

    [Fact]
    public async Task A_container_killed_while_its_heartbeat_waits_ends_the_install_through_Dockers_event()
    {
        // The lifecycle of this platform checks a starting container once, then only after 10 min: the kill is
        // seen through the deployer's following of Docker's events, before the heartbeat's 30 s limit.
        var appId = platform.AppPrefix + "killhb";
        try
        {
            await platform.EnsureDockerDaemonAsync();
            await platform.RemoveAppAsync(appId);
            var register = platform.Cli("app:register", appId, LifecycleFixture.DockerDaemon, "--info-xml",
                TestApps.InfoXmlFor(appId), "--wait-finish", "--env", "TEST_HEARTBEAT_DELAY_SECONDS=never");
            // A count is shown once the first round ended, which it does with the container's first check.
            await platform.WaitForAppsAsync([appId], a => a.GetProperty("current_operation") is { ValueKind: JsonValueKind.Object } op
                && op.GetProperty("step").GetString() == "heartbeat" && Status(a).GetProperty("heartbeat_count").GetInt32() > 0,
                TimeSpan.FromMinutes(2));

            await Docker.KillContainerAsync("nc_app_" + appId);
            var result = await register;
            var app = await platform.WaitEndedAsync(appId);

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.False(app.GetProperty("enabled").GetBoolean());
            Assert.Matches($"^Container nc_app_{appId} (exited with code 137|restarted 1 time)", Status(app).GetProperty("error").GetString());
        }
        finally
        {
            await platform.RemoveAppAsync(appId);
        }
    }

    [Fact]
    public async Task Init_error_reported_by_the_app_fails_the_install_with_that_error()
    {
        var appId = platform.AppPrefix + "initerr";
        try
        {
            var (result, app) = await InstallAsync(appId, "TEST_INIT_MODE=error");

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.False(app.GetProperty("enabled").GetBoolean());
            Assert.Equal("test init error", Status(app).GetProperty("error").GetString());
            var state = await TestApps.StateAsync(platform.Http, app.GetProperty("port").GetInt32());
            Assert.Empty(state.GetProperty("enabled_calls").EnumerateArray());
        }
        finally
        {
            await platform.RemoveAppAsync(appId);
        }
    }

    [Fact]
    public async Task Init_that_never_completes_times_out_with_the_configured_limit()
    {
        var appId = platform.AppPrefix + "inithang";
        try
        {
            var (result, app) = await InstallAsync(appId, "TEST_INIT_MODE=hang");

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.False(app.GetProperty("enabled").GetBoolean());
            var minutes = TimeSpan.Parse(LifecycleFixture.InitTimeout).TotalMinutes.ToString("0.##",
                System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal($"ExApp {appId} initialization timed out ({minutes}m)", Status(app).GetProperty("error").GetString());
            Assert.True(Status(app).GetProperty("init_start_time").GetInt64() > 0);
        }
        finally
        {
            await platform.RemoveAppAsync(appId);
        }
    }

    [Fact]
    public async Task Enable_refused_by_the_app_leaves_it_disabled_with_its_error()
    {
        var appId = platform.AppPrefix + "enerr";
        try
        {
            var (result, app) = await InstallAsync(appId, "TEST_ENABLE_MODE=error");

            Assert.False(app.GetProperty("enabled").GetBoolean());
            Assert.Equal($"Failed to enable ExApp {appId}: enable refused by test",
                Status(app).GetProperty("error").GetString());
            var state = await TestApps.StateAsync(platform.Http, app.GetProperty("port").GetInt32());
            Assert.Equal([1], state.GetProperty("enabled_calls").EnumerateArray().Select(x => x.GetInt32()));
            // --wait-finish must not take "init 100 and enabled" (enabled since init started) for success while
            // the PUT /enabled?enabled=1 is still to be answered
            Assert.True(result.ExitCode == 1, result.ToString());
        }
        finally
        {
            await platform.RemoveAppAsync(appId);
        }
    }
}
