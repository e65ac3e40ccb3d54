using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>Containers on a real dockerd: two daemons sharing one host, and a container that crashes while it
/// starts up.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ContainerWatchTests(PlatformFixture platform)
{
    private async Task RegisterDockerDaemonAsync(string name)
    {
        var r = await platform.Cli("daemon:register", name, name, "docker-install", "http", TestSettings.DockerSocket,
            platform.GatewayUrl, "--net", "host");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public async Task Two_daemons_on_one_Docker_host_give_their_apps_different_ports_and_both_are_enabled()
    {
        await RegisterDockerDaemonAsync("e2e_host_a");
        await RegisterDockerDaemonAsync("e2e_host_b");
        var (a, b) = (platform.AppPrefix + "host-a", platform.AppPrefix + "host-b");
        try
        {
            var first = await platform.Cli("app:register", a, "e2e_host_a", "--info-xml", TestApps.InfoXmlFor(a), "--wait-finish");
            Assert.True(first.ExitCode == 0, first + "\n" + platform.Logs());
            var second = await platform.Cli("app:register", b, "e2e_host_b", "--info-xml", TestApps.InfoXmlFor(b), "--wait-finish");
            Assert.True(second.ExitCode == 0, second + "\n" + platform.Logs());

            var (appA, appB) = (await platform.GetAppAsync(a), await platform.GetAppAsync(b));
            var (portA, portB) = (appA.GetProperty("port").GetInt32(), appB.GetProperty("port").GetInt32());
            Assert.NotEqual(portA, portB);
            // each port reaches its own ExApp, which got only its own calls
            Assert.Equal(a, (await TestApps.StateAsync(platform.Http, portA)).GetProperty("app_id").GetString());
            Assert.Equal(b, (await TestApps.StateAsync(platform.Http, portB)).GetProperty("app_id").GetString());
            Assert.Equal(0, (await TestApps.StateAsync(platform.Http, portB)).GetProperty("header_failures").GetInt32());
        }
        finally
        {
            await platform.Cli("app:unregister", a, "--force", "--rm-data");
            await platform.Cli("app:unregister", b, "--force", "--rm-data");
        }
    }

    [Fact]
    public async Task A_container_that_crashes_at_start_ends_the_install_with_its_exit_code_and_logs_and_is_stopped()
    {
        await RegisterDockerDaemonAsync("e2e_host_a");
        var appId = platform.AppPrefix + "crash";
        try
        {
            // An init mode the test ExApp does not know makes it exit at start; its restart policy restarts it.
            var reg = await platform.Cli("app:register", appId, "e2e_host_a", "--info-xml", TestApps.InfoXmlFor(appId),
                "--env", "TEST_INIT_MODE=bogus", "--wait-finish");

            Assert.Equal(1, reg.ExitCode);
            var app = await platform.GetAppAsync(appId);
            var error = app.GetProperty("status").GetProperty("error").GetString()!;
            Assert.Matches($"Container nc_app_{appId} (exited with code [1-9]|restarted)", error);
            Assert.Contains("TEST_INIT_MODE must be one of", error);
            Assert.Equal("failed", app.GetProperty("last_operation").GetProperty("outcome").GetString());
            Assert.False(app.GetProperty("enabled").GetBoolean());
            await Eventually(async () => (await Docker.InspectContainerAsync($"nc_app_{appId}")) is { } c
                && c.GetProperty("State").GetProperty("Status").GetString() is "exited" or "created", "the container stopped");
        }
        finally
        {
            await platform.Cli("app:unregister", appId, "--force", "--rm-data");
        }
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Never happened: " + what);
            await Task.Delay(250);
        }
    }
}
