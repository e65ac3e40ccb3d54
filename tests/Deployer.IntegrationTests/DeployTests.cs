using System.Text.Json;
using ExApps.Contracts;

namespace ExApps.Deployer.IntegrationTests;

[Collection(DockerCollection.Name)]
public sealed class DeployTests(DeployerFixture fx) : DockerTest
{
    [Fact]
    public async Task Deploy_creates_and_starts_the_container_spec_step_4_describes()
    {
        var appId = NewAppId();
        var bindSource = Directory.CreateTempSubdirectory("exapps-bind-").FullName;
        var request = DeployerFixture.Request(appId, "1",
            env: [new AppEnvVar("FIRST_DECLARED", "a b"), new AppEnvVar("SECOND_DECLARED", "2")],
            mounts: [new AppMount(bindSource, "/models", ReadOnly: true)]);

        var outcome = await fx.DeployAsync(request);

        Assert.Equal(new ContainerStarted(request.OperationId, appId, "install", "1.0.0", request.ExAppUrl,
            request.Secret), outcome.Started);
        var c = await DockerCli.InspectAsync("container", AppApiProtocol.ContainerName(appId));
        Assert.Equal($"/nc_app_{appId}", c.GetProperty("Name").GetString());
        Assert.Equal("running", c.GetProperty("State").GetProperty("Status").GetString());
        Assert.Equal(appId, c.GetProperty("Config").GetProperty("Hostname").GetString());
        // tag 1 has no -cpu variant in the registry: the declared tag is used
        Assert.Equal(TestImages.Sleeper("1"), c.GetProperty("Config").GetProperty("Image").GetString());
        Assert.Equal(new[]
        {
            "AA_VERSION=32.0.0", $"APP_SECRET={request.Secret.Value}", $"APP_ID={appId}",
            $"APP_DISPLAY_NAME=Test {appId}", "APP_VERSION=1.0.0", "APP_HOST=127.0.0.1", $"APP_PORT={request.Port}",
            $"APP_PERSISTENT_STORAGE=/nc_app_{appId}_data", "NEXTCLOUD_URL=http://nextcloud.test",
            "COMPUTE_DEVICE=CPU", "FIRST_DECLARED=a b", "SECOND_DECLARED=2",
        }, Env(c).Where(e => !e.StartsWith("PATH=")));
        var host = c.GetProperty("HostConfig");
        Assert.Equal("host", host.GetProperty("NetworkMode").GetString());
        Assert.Equal("unless-stopped", host.GetProperty("RestartPolicy").GetProperty("Name").GetString());

        var mounts = c.GetProperty("Mounts").EnumerateArray().ToList();
        var volume = Assert.Single(mounts, m => m.GetProperty("Type").GetString() == "volume");
        Assert.Equal($"nc_app_{appId}_data", volume.GetProperty("Name").GetString());
        Assert.Equal($"/nc_app_{appId}_data", volume.GetProperty("Destination").GetString());
        Assert.True(volume.GetProperty("RW").GetBoolean());
        var bind = Assert.Single(mounts, m => m.GetProperty("Type").GetString() == "bind");
        Assert.Equal(bindSource, bind.GetProperty("Source").GetString());
        Assert.Equal("/models", bind.GetProperty("Destination").GetString());
        Assert.False(bind.GetProperty("RW").GetBoolean());

        Assert.Equal(0, outcome.Progress[0]);
        Assert.Equal(outcome.Progress.Order(), outcome.Progress);
        Assert.Equal(new[] { 96, 97, 98, 100 }, outcome.Progress.Where(p => p > 94));
        Directory.Delete(bindSource);
    }

    [Fact]
    public async Task A_user_defined_network_gets_the_appid_alias_and_any_address_binding()
    {
        var appId = NewAppId();
        var network = await NewNetworkAsync();

        var outcome = await fx.DeployAsync(DeployerFixture.Request(appId, "1", DeployerFixture.Daemon(net: network)));

        Assert.IsType<ContainerStarted>(outcome.Terminal);
        var c = await DockerCli.InspectAsync("container", AppApiProtocol.ContainerName(appId));
        Assert.Equal(network, c.GetProperty("HostConfig").GetProperty("NetworkMode").GetString());
        var aliases = c.GetProperty("NetworkSettings").GetProperty("Networks").GetProperty(network)
            .GetProperty("Aliases").EnumerateArray().Select(a => a.GetString());
        Assert.Contains(appId, aliases);
        Assert.Contains("APP_HOST=0.0.0.0", Env(c));
    }

    [Fact]
    public async Task The_compute_device_variant_tag_is_preferred_when_it_exists()
    {
        var appId = NewAppId();

        var outcome = await fx.DeployAsync(DeployerFixture.Request(appId, "2"));

        Assert.IsType<ContainerStarted>(outcome.Terminal);
        var c = await DockerCli.InspectAsync("container", AppApiProtocol.ContainerName(appId));
        Assert.Equal(TestImages.Sleeper("2-cpu"), c.GetProperty("Config").GetProperty("Image").GetString());
    }

    [Fact]
    public async Task A_missing_image_fails_the_deploy_with_a_clear_reason_and_creates_nothing()
    {
        var appId = NewAppId();
        var tag = $"missing-{appId}";

        var outcome = await fx.DeployAsync(DeployerFixture.Request(appId, tag));

        var reason = outcome.Failed.Reason;
        Assert.StartsWith($"Image {TestImages.Sleeper(tag)} could not be pulled: ", reason);
        Assert.Contains("manifest unknown", reason);
        Assert.Equal(new[] { 0 }, outcome.Progress);
        Assert.False(await DockerCli.ExistsAsync("container", AppApiProtocol.ContainerName(appId)));
    }

    [Fact]
    public async Task An_unhealthy_container_fails_the_deploy_after_it_runs()
    {
        var appId = NewAppId();

        var outcome = await fx.DeployAsync(DeployerFixture.Request(appId, "unhealthy"));

        Assert.Equal("Container healthcheck failed", outcome.Failed.Reason);
        Assert.Equal(100, outcome.Progress[^1]);
    }

    [Fact]
    public async Task A_container_with_a_passing_health_check_is_started()
    {
        var appId = NewAppId();

        var outcome = await fx.DeployAsync(DeployerFixture.Request(appId, "healthy"));

        Assert.IsType<ContainerStarted>(outcome.Terminal);
        var c = await DockerCli.InspectAsync("container", AppApiProtocol.ContainerName(appId));
        Assert.Equal("healthy", c.GetProperty("State").GetProperty("Health").GetProperty("Status").GetString());
    }

    [Fact]
    public async Task Update_replaces_the_container_and_keeps_the_data_volume()
    {
        var appId = NewAppId();
        var container = AppApiProtocol.ContainerName(appId);
        Assert.IsType<ContainerStarted>((await fx.DeployAsync(DeployerFixture.Request(appId, "1"))).Terminal);
        var firstId = (await DockerCli.InspectAsync("container", container)).GetProperty("Id").GetString();
        await DockerCli.RunAsync("exec", container, "/bin/sh", "-c", $"echo kept > /nc_app_{appId}_data/marker");

        var update = await fx.DeployAsync(DeployerFixture.Request(appId, "2", kind: AppApiProtocol.KindUpdate));

        Assert.Equal("update", update.Started.Kind);
        var second = await DockerCli.InspectAsync("container", container);
        Assert.NotEqual(firstId, second.GetProperty("Id").GetString());
        Assert.Equal(TestImages.Sleeper("2-cpu"), second.GetProperty("Config").GetProperty("Image").GetString());
        Assert.Equal("kept", await DockerCli.RunAsync("exec", container, "/bin/cat", $"/nc_app_{appId}_data/marker"));
    }

    [Fact]
    public async Task A_registry_remapped_to_local_uses_the_local_image_and_never_pulls()
    {
        var local = DeployerFixture.Daemon(registries: [new RegistryRemap(TestSettings.Registry, "local")]);
        var present = NewAppId();
        var absent = NewAppId();

        var used = await fx.DeployAsync(DeployerFixture.Request(present, "1", local));
        // the registry has no such tag, and no pull is even tried: the reason names the remap
        var refused = await fx.DeployAsync(DeployerFixture.Request(absent, $"never-pulled-{absent}", local));

        Assert.IsType<ContainerStarted>(used.Terminal);
        Assert.Contains("-> local", refused.Failed.Reason);
        Assert.Contains($"never-pulled-{absent}", refused.Failed.Reason);
    }

    [Fact]
    public async Task An_unreachable_engine_fails_the_deploy_naming_the_engine_but_not_the_password()
    {
        var appId = NewAppId();
        var socket = $"/tmp/exapps-no-engine-{appId}.sock";
        var daemon = DeployerFixture.Daemon(host: socket, password: new Secret("pw-that-must-not-leak"));

        var outcome = await fx.DeployAsync(DeployerFixture.Request(appId, "1", daemon));

        Assert.Contains($"unix://{socket} is unreachable", outcome.Failed.Reason);
        Assert.DoesNotContain("pw-that-must-not-leak", outcome.Failed.Reason);
        Assert.DoesNotContain("secret-", outcome.Failed.Reason);
    }

    [Fact]
    public async Task A_host_network_port_something_else_answers_on_fails_the_deploy_naming_the_port()
    {
        var appId = NewAppId();
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var request = DeployerFixture.Request(appId, "1", port: port);

        var outcome = await fx.DeployAsync(request);

        Assert.StartsWith($"Port {port} of the Docker host is in use: something other than ExApp {appId} answers on " +
                          $"127.0.0.1:{port}", outcome.Failed.Reason);
        Assert.DoesNotContain(request.Secret.Value, outcome.Failed.Reason);
        Assert.Equal(new[] { 0 }, outcome.Progress); // refused before the pull
        Assert.False(await DockerCli.ExistsAsync("container", AppApiProtocol.ContainerName(appId)));

        // The same port on a network of its own is the container's own: no check, the deploy goes through.
        var network = await NewNetworkAsync();
        var own = await fx.DeployAsync(DeployerFixture.Request(appId, "1", DeployerFixture.Daemon(net: network), port: port));
        Assert.IsType<ContainerStarted>(own.Terminal);
    }

    private static List<string> Env(JsonElement container) =>
        container.GetProperty("Config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()!).ToList();
}
