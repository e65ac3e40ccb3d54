using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>Issue 5: disable, enable, update and a lifecycle restart mid-install, on the real services.</summary>
[Collection(LifecycleCollection.Name)]
public sealed class LifecycleOperationTests(LifecycleFixture platform)
{
    private async Task<JsonElement> InstallAsync(string appId, string? infoXml = null)
    {
        await platform.EnsureDockerDaemonAsync();
        await platform.RemoveAppAsync(appId);
        var reg = await platform.Cli("app:register", appId, LifecycleFixture.DockerDaemon, "--info-xml",
            infoXml ?? TestApps.InfoXmlFor(appId), "--wait-finish");
        Assert.True(reg.ExitCode == 0, reg + "\n" + platform.Logs());
        return await platform.GetAppAsync(appId);
    }

    private static async Task<bool> RunningAsync(string appId) =>
        (await Docker.InspectContainerAsync($"nc_app_{appId}"))?.GetProperty("State").GetProperty("Running")
        .GetBoolean() ?? false;

    [Fact]
    public async Task Disable_tells_the_app_and_stops_its_container_and_enable_brings_it_back()
    {
        var appId = platform.AppPrefix + "toggle";
        try
        {
            var app = await InstallAsync(appId);
            var port = app.GetProperty("port").GetInt32();

            var disable = await platform.Cli("app:disable", appId);
            Assert.True(disable.ExitCode == 0, disable + "\n" + platform.Logs());
            Assert.False((await platform.GetAppAsync(appId)).GetProperty("enabled").GetBoolean());
            Assert.False(await RunningAsync(appId), "disable stops the container");

            var enable = await platform.Cli("app:enable", appId);
            Assert.True(enable.ExitCode == 0, enable + "\n" + platform.Logs());
            var enabled = await platform.GetAppAsync(appId);
            Assert.True(enabled.GetProperty("enabled").GetBoolean());
            Assert.Equal("", enabled.GetProperty("status").GetProperty("error").GetString());
            Assert.True(await RunningAsync(appId), "enable starts the container again");
            // a restarted container starts with a fresh state: one PUT /enabled?enabled=1 since, no init
            var state = await TestApps.StateAsync(platform.Http, port);
            Assert.Equal([1], state.GetProperty("enabled_calls").EnumerateArray().Select(x => x.GetInt32()));
            Assert.Equal(0, state.GetProperty("init_calls").GetInt32());
            Assert.Equal(0, state.GetProperty("header_failures").GetInt32());
        }
        finally
        {
            await platform.RemoveAppAsync(appId);
        }
    }

    [Fact]
    public async Task Update_redeploys_with_the_new_version_and_keeps_port_and_secret()
    {
        var appId = platform.AppPrefix + "update";
        try
        {
            var before = await InstallAsync(appId);
            var secretBefore = SecretOf((await Docker.InspectContainerAsync($"nc_app_{appId}"))!.Value);
            var newInfo = TestApps.InfoXmlFor(appId);
            File.WriteAllText(newInfo, File.ReadAllText(newInfo).Replace("<version>1.0.0</version>", "<version>1.1.0</version>"));

            var update = await platform.Cli("app:update", appId, "--info-xml", newInfo, "--wait-finish");
            Assert.True(update.ExitCode == 0, update + "\n" + platform.Logs());

            var after = await platform.WaitEndedAsync(appId);
            Assert.Equal("1.1.0", after.GetProperty("version").GetString());
            Assert.True(after.GetProperty("enabled").GetBoolean());
            var status = after.GetProperty("status");
            Assert.Equal(("", 100, ""), (status.GetProperty("error").GetString(), status.GetProperty("init").GetInt32(),
                status.GetProperty("type").GetString()));
            var port = after.GetProperty("port").GetInt32();
            Assert.Equal(before.GetProperty("port").GetInt32(), port);
            var container = (await Docker.InspectContainerAsync($"nc_app_{appId}"))!.Value;
            Assert.Equal(secretBefore, SecretOf(container));
            var state = await TestApps.StateAsync(platform.Http, port);
            Assert.Equal("1.1.0", state.GetProperty("app_version").GetString());
            Assert.Equal(1, state.GetProperty("init_calls").GetInt32());
            Assert.Equal([1], state.GetProperty("enabled_calls").EnumerateArray().Select(x => x.GetInt32()));
            Assert.Equal(0, state.GetProperty("header_failures").GetInt32());
        }
        finally
        {
            await platform.RemoveAppAsync(appId);
        }
    }

    [Fact]
    public async Task Lifecycle_killed_during_the_heartbeat_finishes_the_install_after_a_restart()
    {
        var appId = platform.AppPrefix + "restart";
        try
        {
            await platform.StartInstallAsync(appId, new() { ["TEST_HEARTBEAT_DELAY_SECONDS"] = "10" });
            // the container runs and the heartbeat is under way (the app answers only 10 s after its start)
            await platform.WaitUntilAsync(appId, a => a.GetProperty("status").GetProperty("deploy").GetInt32() == 100,
                "deployed");
            Assert.False((await platform.GetAppAsync(appId)).GetProperty("enabled").GetBoolean());

            await platform.Service("lifecycle").KillAsync();
            await platform.RestartAsync("lifecycle");
            var app = await platform.WaitEndedAsync(appId);

            var state = await platform.AssertEnabledAsync(app);
            Assert.Equal(1, state.GetProperty("init_calls").GetInt32());
        }
        finally
        {
            await platform.RemoveAppAsync(appId);
        }
    }

    [Fact]
    public async Task Lifecycle_killed_during_init_finishes_the_install_after_a_restart()
    {
        var appId = platform.AppPrefix + "restartinit";
        try
        {
            await platform.StartInstallAsync(appId, new() { ["TEST_INIT_MODE"] = "slow" });
            // init is under way: the ExApp reports 0..100 over about 10 s
            await platform.WaitUntilAsync(appId, a => a.GetProperty("status").GetProperty("init").GetInt32() is > 0 and < 100,
                "init under way");

            // Reports the ExApp sends while the lifecycle is down wait in its queue; the restarted one goes on.
            await platform.Service("lifecycle").KillAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await platform.RestartAsync("lifecycle");
            var app = await platform.WaitEndedAsync(appId);

            await platform.AssertEnabledAsync(app);
        }
        finally
        {
            await platform.RemoveAppAsync(appId);
        }
    }

    private static string SecretOf(JsonElement container) =>
        Docker.Env(container).Single(e => e.Name == "APP_SECRET").Value;
}
