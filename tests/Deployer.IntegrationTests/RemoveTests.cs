using ExApps.Contracts;

namespace ExApps.Deployer.IntegrationTests;

[Collection(DockerCollection.Name)]
public sealed class RemoveTests(DeployerFixture fx) : DockerTest
{
    [Fact]
    public async Task Unregister_keeps_data_volume_unless_rm_data()
    {
        var appId = NewAppId();
        var container = AppApiProtocol.ContainerName(appId);
        var volume = AppApiProtocol.VolumeName(appId);
        await DockerCli.RunAsync("volume", "create", volume);
        await DockerCli.RunAsync("run", "-d", "--name", container, "-v", $"{volume}:/data", TestImages.Sleeper("1"));

        var kept = await fx.RemoveAsync(appId, removeData: false);

        Assert.Equal(new ContainerRemoved(Guid.Empty, appId, ContainerExisted: true, VolumeRemoved: false, ""), kept.Message);
        Assert.False(await DockerCli.ExistsAsync("container", container)); // a running container is forced out
        Assert.True(await DockerCli.ExistsAsync("volume", volume));

        var removed = await fx.RemoveAsync(appId, removeData: true);

        Assert.Equal(new ContainerRemoved(Guid.Empty, appId, ContainerExisted: false, VolumeRemoved: true, ""), removed.Message);
        Assert.False(await DockerCli.ExistsAsync("volume", volume));
    }

    [Fact]
    public async Task Removing_an_app_that_left_nothing_behind_is_not_an_error()
    {
        var appId = NewAppId();

        var response = await fx.RemoveAsync(appId, removeData: true);

        Assert.Equal(new ContainerRemoved(Guid.Empty, appId, ContainerExisted: false, VolumeRemoved: false, ""), response.Message);
    }
}
