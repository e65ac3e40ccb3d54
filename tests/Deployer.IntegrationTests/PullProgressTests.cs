using ExApps.Contracts;
using ExApps.Deployer.Consumers;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>Deploy progress moves during a real pull of a large image (three layers of 40 MiB) from the local
/// registry, unlike AppAPI's, which stays at 0 until the pull ends.</summary>
[Collection(DockerCollection.Name)]
public sealed class PullProgressTests(DeployerFixture fx) : DockerTest
{
    private const string Tag = "big-v1";
    private const int Layers = 3;
    private const int LayerBytes = 40 << 20;

    [Fact]
    public async Task Deploy_progress_climbs_through_many_values_while_a_large_image_is_pulled()
    {
        await EnsureInRegistryAsync();
        await DockerCli.TryAsync("rmi", TestImages.Sleeper(Tag)); // so the deploy has to download it
        var appId = NewAppId();

        var outcome = await fx.DeployAsync(DeployerFixture.Request(appId, Tag));

        Assert.IsType<ContainerStarted>(outcome.Terminal);
        var duringPull = outcome.Progress.Where(p => p is > 0 and < 94).ToList();
        Assert.True(duringPull.Count >= 10, $"only {duringPull.Count} progress values during the pull: {string.Join(',', outcome.Progress)}");
        Assert.Equal(outcome.Progress.Order(), outcome.Progress);
        // (94 may come twice: the second time with the pulled bytes, docs/console.md's "pulled" timeline line)
        Assert.Equal(new[] { 94, 96, 97, 98, DockerDeployment.ContainerRunning }, outcome.Progress.Where(p => p >= 94).Distinct());
        Assert.True(outcome.Progress.Count(p => p == 94) <= 2, string.Join(',', outcome.Progress));
        await DockerCli.TryAsync("rm", "-f", AppApiProtocol.ContainerName(appId));
        await DockerCli.TryAsync("rmi", TestImages.Sleeper(Tag));
    }

    /// <summary>Built once per registry: the layers are seeded random data (they do not compress), added on top of
    /// sleeper:1 by the classic builder, one COPY per layer.</summary>
    private static async Task EnsureInRegistryAsync()
    {
        using var http = new HttpClient();
        using var probe = new HttpRequestMessage(HttpMethod.Head,
            $"http://{TestSettings.Registry}/v2/{TestSettings.Repository}/manifests/{Tag}");
        probe.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        if ((await http.SendAsync(probe)).IsSuccessStatusCode) return;

        var context = Directory.CreateTempSubdirectory("exapps-big-image-").FullName;
        try
        {
            var dockerfile = $"FROM {TestImages.Sleeper("1")}\n";
            var random = new Random(424242);
            var data = new byte[LayerBytes];
            for (var i = 0; i < Layers; i++)
            {
                random.NextBytes(data);
                var file = Path.Combine(context, $"layer{i}.bin");
                await File.WriteAllBytesAsync(file, data);
                File.SetLastWriteTimeUtc(file, DateTime.UnixEpoch);
                dockerfile += $"COPY layer{i}.bin /data/layer{i}.bin\n";
            }
            await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), dockerfile);
            await DockerCli.RunAsync(["build", "-q", "-t", TestImages.Sleeper(Tag), context],
                new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "0" });
            await DockerCli.RunAsync("push", TestImages.Sleeper(Tag));
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }
}
