using Npgsql;

namespace ExApps.EndToEnd.Tests;

/// <summary>docker-compose.yml: the four services as containers (images from scripts/build-service-images.sh)
/// install an ExApp end to end on the host's RabbitMQ, PostgreSQL and dockerd.</summary>
public sealed class ComposeStackTests
{
    private const string Project = "exapps-e2e-compose";
    private const string Token = "compose-admin-token-0123456789";
    private const int GatewayPort = 18580;

    // (before Env, which reads it: static fields start in the order they are written)
    private static readonly int AppPort = GatewayFixture.FreePort();

    private static readonly Dictionary<string, string> Env = new()
    {
        ["EXAPPS_DB"] = "exapps_compose",
        ["EXAPPS_VHOST"] = "exapps-compose",
        ["EXAPPS_ADMIN_TOKEN"] = Token,
        ["EXAPPS_GATEWAY_PORT"] = GatewayPort.ToString(),
        ["EXAPPS_REGISTRY_PORT"] = (GatewayPort + 1).ToString(),
        ["EXAPPS_LIFECYCLE_PORT"] = (GatewayPort + 2).ToString(),
        ["EXAPPS_DEPLOYER_PORT"] = (GatewayPort + 3).ToString(),
        ["EXAPPS_KEY_DIR"] = Path.Combine(Path.GetTempPath(), "exapps-compose-keys"),
        // The app's port on the host network: one nothing answers on now, not the default 23000, which a platform
        // started by scripts/run.sh on this machine gives its own first app.
        ["EXAPPS_PORT_RANGE_START"] = AppPort.ToString(),
        ["EXAPPS_PORT_RANGE_END"] = AppPort.ToString(),
    };

    private static Task<ProcessResult> Compose(params string[] args) =>
        ProcessRunner.RunAsync("docker-compose", ["-p", Project, .. args], Env, TimeSpan.FromMinutes(3));

    private static Task<ProcessResult> Cli(params string[] args) => ProcessRunner.RunAsync("bash", ["appapi", .. args],
        new Dictionary<string, string> { ["APPAPI_URL"] = $"http://127.0.0.1:{GatewayPort}", ["APPAPI_TOKEN"] = Token },
        TimeSpan.FromMinutes(5));

    [Fact]
    public async Task The_compose_stack_installs_an_exapp_end_to_end()
    {
        await using (var conn = new NpgsqlConnection(TestSettings.PgAdmin))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand("DROP DATABASE IF EXISTS exapps_compose WITH (FORCE)", conn).ExecuteNonQueryAsync();
        }
        await ProcessRunner.RunAsync("rabbitmqctl", ["-q", "delete_vhost", "exapps-compose"]);
        Assert.Equal(0, (await ProcessRunner.RunAsync("rabbitmqctl", ["-q", "add_vhost", "exapps-compose"])).ExitCode);
        Assert.Equal(0, (await ProcessRunner.RunAsync("rabbitmqctl", ["-q", "set_permissions", "-p", "exapps-compose", "guest", ".*", ".*", ".*"])).ExitCode);
        await Docker.RemoveContainerAsync("nc_app_compose-app");
        Directory.CreateDirectory(Env["EXAPPS_KEY_DIR"]);

        var images = await ProcessRunner.RunAsync("bash", ["scripts/build-service-images.sh"], timeout: TimeSpan.FromMinutes(10));
        Assert.True(images.ExitCode == 0, images.ToString());
        try
        {
            var up = await Compose("up", "-d");
            Assert.True(up.ExitCode == 0, up.ToString());
            await WaitHealthyAsync();

            var daemon = await Cli("daemon:register", "compose_docker", "Compose Docker", "docker-install", "http",
                TestSettings.DockerSocket, $"http://127.0.0.1:{GatewayPort}", "--net", "host");
            Assert.True(daemon.ExitCode == 0, daemon.ToString());
            var install = await Cli("app:register", "compose-app", "compose_docker", "--info-xml",
                TestApps.InfoXmlFor("compose-app"), "--wait-finish");
            Assert.True(install.ExitCode == 0, install + "\n" + (await Compose("logs", "--tail=40")).StdOut);

            var container = await Docker.InspectContainerAsync("nc_app_compose-app");
            Assert.True(container?.GetProperty("State").GetProperty("Running").GetBoolean());
            Assert.Contains($"APP_PORT={AppPort}", container!.Value.GetProperty("Config").GetProperty("Env")
                .EnumerateArray().Select(e => e.GetString()));
            var list = await Cli("app:list");
            Assert.Contains("compose-app (", list.StdOut);
            Assert.Contains("[enabled]", list.StdOut);

            var removed = await Cli("app:unregister", "compose-app", "--rm-data");
            Assert.True(removed.ExitCode == 0, removed.ToString());
            Assert.Null(await Docker.InspectContainerAsync("nc_app_compose-app"));
        }
        finally
        {
            await Compose("down");
            await Docker.RemoveContainerAsync("nc_app_compose-app");
            await Docker.RemoveVolumeAsync("nc_app_compose-app_data");
        }
    }

    private static async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var port = GatewayPort; port < GatewayPort + 4; port++)
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/health")).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"Service on port {port} not healthy:\n{(await Compose("logs", "--tail=40")).StdOut}");
                await Task.Delay(250);
            }
        }
    }
}
