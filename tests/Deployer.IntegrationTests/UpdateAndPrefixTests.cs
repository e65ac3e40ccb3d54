using ExApps.Contracts;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>Update cleans up the image it replaced (when nothing else uses it) and keeps the data; an instance
/// prefix keeps two platforms' names apart on one engine.</summary>
[Collection(DockerCollection.Name)]
public sealed class UpdateAndPrefixTests(DeployerFixture fx) : DockerTest
{
    // The update's images are built locally (a label makes each one distinct), so no pull is tried.
    private static DaemonTarget LocalImages => DeployerFixture.Daemon(registries: [new RegistryRemap(TestSettings.Registry, "local")]);

    [Fact]
    public async Task Update_removes_the_replaced_image_when_no_container_uses_it_and_keeps_the_volume()
    {
        var appId = NewAppId();
        var oldTag = await BuildDistinctImageAsync(appId);
        var container = AppApiProtocol.ContainerName(appId);
        Assert.IsType<ContainerStarted>((await fx.DeployAsync(DeployerFixture.Request(appId, oldTag, LocalImages))).Terminal);
        await DockerCli.RunAsync("exec", container, "/bin/sh", "-c", $"echo kept > /nc_app_{appId}_data/marker");

        var update = await fx.DeployAsync(DeployerFixture.Request(appId, "1", LocalImages, kind: AppApiProtocol.KindUpdate));

        Assert.IsType<ContainerStarted>(update.Terminal);
        Assert.False(await DockerCli.ExistsAsync("image", TestImages.Sleeper(oldTag)), "the replaced image is removed");
        Assert.Equal(TestImages.Sleeper("1"),
            (await DockerCli.InspectAsync("container", container)).GetProperty("Config").GetProperty("Image").GetString());
        Assert.Equal("kept", await DockerCli.RunAsync("exec", container, "/bin/cat", $"/nc_app_{appId}_data/marker"));
    }

    [Fact]
    public async Task Update_keeps_the_replaced_image_while_another_container_uses_it()
    {
        var appId = NewAppId();
        var oldTag = await BuildDistinctImageAsync(appId);
        var other = $"exapps-test-user-{appId}";
        Assert.IsType<ContainerStarted>((await fx.DeployAsync(DeployerFixture.Request(appId, oldTag, LocalImages))).Terminal);
        await DockerCli.RunAsync("create", "--name", other, TestImages.Sleeper(oldTag));
        try
        {
            var update = await fx.DeployAsync(DeployerFixture.Request(appId, "1", LocalImages, kind: AppApiProtocol.KindUpdate));

            Assert.IsType<ContainerStarted>(update.Terminal);
            Assert.True(await DockerCli.ExistsAsync("image", TestImages.Sleeper(oldTag)), "an image in use is kept");
        }
        finally
        {
            await DockerCli.TryAsync("rm", "-f", other);
            await DockerCli.TryAsync("rmi", TestImages.Sleeper(oldTag));
        }
    }

    [Fact]
    public async Task An_instance_prefix_names_container_and_volume_so_two_platforms_share_an_engine()
    {
        var appId = NewAppId();
        Prefixes.Add("second_");
        await using var prefixed = await fx.StartHostAsync(new() { ["Deployer:InstancePrefix"] = "second_" });

        var plain = await fx.DeployAsync(DeployerFixture.Request(appId, "1"));
        var second = await prefixed.DeployAsync(DeployerFixture.Request(appId, "1"));

        Assert.IsType<ContainerStarted>(plain.Terminal);
        Assert.IsType<ContainerStarted>(second.Terminal);
        var c = await DockerCli.InspectAsync("container", $"second_nc_app_{appId}");
        Assert.Equal("running", c.GetProperty("State").GetProperty("Status").GetString());
        var volume = Assert.Single(c.GetProperty("Mounts").EnumerateArray(), m => m.GetProperty("Type").GetString() == "volume");
        Assert.Equal($"second_nc_app_{appId}_data", volume.GetProperty("Name").GetString());
        Assert.Equal($"/nc_app_{appId}_data", volume.GetProperty("Destination").GetString());
        Assert.Contains($"APP_PERSISTENT_STORAGE=/nc_app_{appId}_data",
            c.GetProperty("Config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.True(await DockerCli.ExistsAsync("container", $"nc_app_{appId}"), "the unprefixed platform's container stays");

        var removed = await prefixed.Harness.GetRequestClient<RemoveContainer>()
            .GetResponse<ContainerRemoved>(new RemoveContainer(Guid.Empty, appId, DeployerFixture.Daemon(), RemoveData: true));

        Assert.Equal(new ContainerRemoved(Guid.Empty, appId, true, true, ""), removed.Message);
        Assert.False(await DockerCli.ExistsAsync("container", $"second_nc_app_{appId}"));
        Assert.True(await DockerCli.ExistsAsync("container", $"nc_app_{appId}"));
        Assert.True(await DockerCli.ExistsAsync("volume", $"nc_app_{appId}_data"));
    }

    /// <summary>A local image of its own (same layers as sleeper:1, another id), tagged old-&lt;appid&gt;.</summary>
    private static async Task<string> BuildDistinctImageAsync(string appId)
    {
        var tag = $"old-{appId}";
        var context = Directory.CreateTempSubdirectory("exapps-old-image-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"),
                $"FROM {TestImages.Sleeper("1")}\nLABEL org.exapps.test.app={appId}\n");
            await DockerCli.RunAsync(["build", "-q", "-t", TestImages.Sleeper(tag), context],
                new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "0" });
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
        return tag;
    }
}
