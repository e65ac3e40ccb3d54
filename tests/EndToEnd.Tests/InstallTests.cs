using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>Issue 2: one ExApp goes from register to enabled across the four services, on the real servers.</summary>
[Collection(PlatformCollection.Name)]
public sealed class InstallTests(PlatformFixture platform)
{
    private const string DockerDaemon = "e2e_docker";

    private async Task EnsureDockerDaemonAsync()
    {
        var r = await platform.Cli("daemon:register", DockerDaemon, "E2E Docker", "docker-install", "http",
            TestSettings.DockerSocket, platform.GatewayUrl, "--net", "host");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public async Task Docker_install_reaches_enabled_with_the_specified_container()
    {
        await EnsureDockerDaemonAsync();
        var appId = platform.AppPrefix + "docker";

        var reg = await platform.Cli("app:register", appId, DockerDaemon, "--info-xml", TestApps.InfoXmlFor(appId), "--wait-finish");
        Assert.True(reg.ExitCode == 0, reg + "\n" + platform.Logs());

        var list = await platform.Cli("app:list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(list.StdOut.Split('\n'), l => l.Contains($"{appId} (") && l.Contains("1.0.0") && l.Contains("[enabled]"));

        var app = await platform.GetAppAsync(appId);
        var status = app.GetProperty("status");
        Assert.True(app.GetProperty("enabled").GetBoolean());
        Assert.Equal(100, status.GetProperty("deploy").GetInt32());
        Assert.Equal(100, status.GetProperty("init").GetInt32());
        Assert.Equal("", status.GetProperty("action").GetString());
        Assert.Equal("", status.GetProperty("error").GetString());
        var port = app.GetProperty("port").GetInt32();
        var table = await platform.Cli("app:list", "--output=table");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(table.StdOut.Split('\n'), l => l.Contains(appId) && l.Contains(DockerDaemon) && l.Contains($" {port} ") && l.Contains("enabled"));

        var container = await Docker.InspectContainerAsync($"nc_app_{appId}");
        Assert.NotNull(container);
        var c = container.Value;
        Assert.True(c.GetProperty("State").GetProperty("Running").GetBoolean());
        Assert.Equal(appId, c.GetProperty("Config").GetProperty("Hostname").GetString());
        Assert.Equal("host", c.GetProperty("HostConfig").GetProperty("NetworkMode").GetString());
        Assert.Equal("unless-stopped", c.GetProperty("HostConfig").GetProperty("RestartPolicy").GetProperty("Name").GetString());
        var env = Docker.Env(c);
        string[] expectedOrder = ["AA_VERSION", "APP_SECRET", "APP_ID", "APP_DISPLAY_NAME", "APP_VERSION", "APP_HOST",
            "APP_PORT", "APP_PERSISTENT_STORAGE", "NEXTCLOUD_URL", "COMPUTE_DEVICE"];
        Assert.Equal(expectedOrder, env.Select(e => e.Name).Where(expectedOrder.Contains).ToArray());
        Assert.Equal(expectedOrder, env.Take(expectedOrder.Length).Select(e => e.Name).ToArray());
        var values = env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal(appId, values["APP_ID"]);
        Assert.Equal(128, values["APP_SECRET"].Length);
        Assert.Equal("127.0.0.1", values["APP_HOST"]);
        Assert.Equal(port.ToString(), values["APP_PORT"]);
        Assert.Equal($"/nc_app_{appId}_data", values["APP_PERSISTENT_STORAGE"]);
        Assert.Equal(platform.GatewayUrl, values["NEXTCLOUD_URL"]);
        Assert.Equal("CPU", values["COMPUTE_DEVICE"]);
        Assert.Equal("progress", values["TEST_INIT_MODE"]); // declared variable with its default
        var mount = c.GetProperty("Mounts").EnumerateArray().Single(m => m.GetProperty("Type").GetString() == "volume");
        Assert.Equal($"nc_app_{appId}_data", mount.GetProperty("Name").GetString());
        Assert.Equal($"/nc_app_{appId}_data", mount.GetProperty("Destination").GetString());
        Assert.True(mount.GetProperty("RW").GetBoolean());

        // What the ExApp itself saw: AppAPI headers accepted on /init and /enabled, progress reports accepted.
        var state = await TestApps.StateAsync(platform.Http, port);
        Assert.Equal(1, state.GetProperty("init_calls").GetInt32());
        Assert.Equal([1], state.GetProperty("enabled_calls").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal(0, state.GetProperty("header_failures").GetInt32());
        var reports = state.GetProperty("progress_reports").EnumerateArray().ToList();
        Assert.Contains(reports, r => r.GetProperty("progress").GetInt32() == 100);
        Assert.All(reports, r => Assert.Equal(200, r.GetProperty("http_status").GetInt32()));
        Assert.True(state.GetProperty("persistent_storage_writable").GetBoolean());

        var unreg = await platform.Cli("app:unregister", appId);
        Assert.True(unreg.ExitCode == 0, unreg.ToString());
        Assert.Null(await Docker.InspectContainerAsync($"nc_app_{appId}"));
        Assert.True(await Docker.VolumeExistsAsync($"nc_app_{appId}_data"), "data volume is kept without --rm-data");
        await Docker.RemoveVolumeAsync($"nc_app_{appId}_data");
    }

    [Fact]
    public async Task Docker_install_whose_init_answers_404_still_reaches_enabled()
    {
        await EnsureDockerDaemonAsync();
        var appId = platform.AppPrefix + "noinit";

        var reg = await platform.Cli("app:register", appId, DockerDaemon, "--info-xml", TestApps.InfoXmlFor(appId),
            "--env", "TEST_INIT_MODE=none", "--wait-finish");
        Assert.True(reg.ExitCode == 0, reg + "\n" + platform.Logs());

        var app = await platform.GetAppAsync(appId);
        Assert.True(app.GetProperty("enabled").GetBoolean());
        Assert.Equal(100, app.GetProperty("status").GetProperty("init").GetInt32());
        var state = await TestApps.StateAsync(platform.Http, app.GetProperty("port").GetInt32());
        Assert.Equal(1, state.GetProperty("init_calls").GetInt32());
        Assert.Empty(state.GetProperty("progress_reports").EnumerateArray());
        Assert.Equal([1], state.GetProperty("enabled_calls").EnumerateArray().Select(x => x.GetInt32()));

        var unreg = await platform.Cli("app:unregister", appId, "--rm-data");
        Assert.True(unreg.ExitCode == 0, unreg.ToString());
        Assert.False(await Docker.VolumeExistsAsync($"nc_app_{appId}_data"), "--rm-data removes the data volume");
    }
}
