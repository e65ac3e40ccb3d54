namespace ExApps.EndToEnd.Tests;

/// <summary>Issue 3 with a real ExApp container: update keeps env vars, mounts, port, secret and the data volume;
/// disable stops and enable restarts it; logs read the container. Needs the deployer's update/start/stop/logs and
/// the lifecycle's EnableApp/DisableApp consumers (issues 4 and 5).</summary>
[Collection(CliCollection.Name)]
public sealed class CliUpdateTests(CliFixture platform)
{
    private const string DockerDaemon = "reg_docker";

    [Fact]
    public async Task Update_keeps_env_mounts_port_secret_and_volume_and_enable_disable_follow()
    {
        Assert.Equal(0, (await platform.Cli("daemon:register", DockerDaemon, "Docker", "docker-install", "http",
            TestSettings.DockerSocket, platform.GatewayUrl, "--net", "host")).ExitCode);
        var appId = platform.AppPrefix + "update";
        var container = $"nc_app_{appId}";
        var volume = $"nc_app_{appId}_data";
        var bindSource = Directory.CreateTempSubdirectory("reg-mount-").FullName;
        try
        {
            var reg = await platform.Cli("app:register", appId, DockerDaemon, "--info-xml", TestApps.InfoXmlFor(appId),
                "--env", "TEST_INIT_MODE=none", "--env", "NOT_DECLARED=1", "--mount", $"{bindSource}:/extra:ro", "--wait-finish");
            Assert.True(reg.ExitCode == 0, reg + "\n" + platform.Logs());
            Assert.Contains($"ExApp {appId} successfully registered.", reg.StdOut);
            Assert.Contains("deploy 100%", reg.StdOut); // live progress lines when not on a terminal
            var before = (await Docker.InspectContainerAsync(container))!.Value;
            var envBefore = Docker.Env(before).ToDictionary(e => e.Name, e => e.Value);
            await Docker.WriteToVolumeAsync(volume, "reg-marker", "kept");

            var same = await platform.Cli("app:update", appId, "--info-xml", TestApps.InfoXmlFor(appId));
            Assert.True(same.ExitCode == 0, same.ToString());
            Assert.Contains($"ExApp {appId} is already updated (1.0.0)", same.StdOut);

            var update = await platform.Cli("app:update", appId, "--info-xml", CliFixture.InfoXmlFor(appId, "1.0.1"), "--wait-finish");
            Assert.True(update.ExitCode == 0, update + "\n" + platform.Logs());
            Assert.Contains($"ExApp {appId} successfully updated (1.0.0 -> 1.0.1).", update.StdOut);

            var app = await platform.GetAppAsync(appId);
            Assert.Equal("1.0.1", app.GetProperty("version").GetString());
            Assert.True(app.GetProperty("enabled").GetBoolean());
            Assert.Equal("", app.GetProperty("status").GetProperty("type").GetString());
            var after = (await Docker.InspectContainerAsync(container))!.Value;
            Assert.NotEqual(before.GetProperty("Id").GetString(), after.GetProperty("Id").GetString()); // redeployed
            var envAfter = Docker.Env(after).ToDictionary(e => e.Name, e => e.Value);
            Assert.Equal("1.0.1", envAfter["APP_VERSION"]);
            Assert.Equal(envBefore["APP_SECRET"], envAfter["APP_SECRET"]);
            Assert.Equal(envBefore["APP_PORT"], envAfter["APP_PORT"]);
            Assert.Equal("none", envAfter["TEST_INIT_MODE"]);
            Assert.False(envAfter.ContainsKey("NOT_DECLARED"));
            var mounts = after.GetProperty("Mounts").EnumerateArray().ToList();
            Assert.Contains(mounts, m => m.GetProperty("Source").GetString() == bindSource
                && m.GetProperty("Destination").GetString() == "/extra" && !m.GetProperty("RW").GetBoolean());
            Assert.Contains(mounts, m => m.GetProperty("Type").GetString() == "volume" && m.GetProperty("Name").GetString() == volume);
            Assert.Equal("kept", await Docker.ReadFromVolumeAsync(volume, "reg-marker"));

            var disable = await platform.Cli("app:disable", appId);
            Assert.True(disable.ExitCode == 0, disable + "\n" + platform.Logs());
            Assert.Contains($"ExApp {appId} successfully disabled.", disable.StdOut);
            Assert.False((await Docker.InspectContainerAsync(container))!.Value.GetProperty("State").GetProperty("Running").GetBoolean());
            Assert.Contains("already disabled", (await platform.Cli("app:disable", appId)).StdOut);
            Assert.Contains("[disabled]", (await platform.Cli("app:list")).StdOut);

            var enable = await platform.Cli("app:enable", appId);
            Assert.True(enable.ExitCode == 0, enable + "\n" + platform.Logs());
            Assert.Contains($"ExApp {appId} successfully enabled.", enable.StdOut);
            Assert.True((await Docker.InspectContainerAsync(container))!.Value.GetProperty("State").GetProperty("Running").GetBoolean());
            Assert.Contains("already enabled", (await platform.Cli("app:enable", appId)).StdOut);

            var logs = await platform.Cli("app:logs", appId, "--tail", "20");
            Assert.True(logs.ExitCode == 0, logs.ToString());
            Assert.NotEmpty(logs.StdOut.Trim());

            var unreg = await platform.Cli("app:unregister", appId, "--rm-data");
            Assert.True(unreg.ExitCode == 0, unreg.ToString());
            Assert.False(await Docker.VolumeExistsAsync(volume));
        }
        finally
        {
            await platform.Cli("app:unregister", appId, "--force", "--rm-data", "--silent");
            await Docker.RemoveContainerAsync(container);
            await Docker.RemoveVolumeAsync(volume);
            Directory.Delete(bindSource, recursive: true);
        }
    }
}
