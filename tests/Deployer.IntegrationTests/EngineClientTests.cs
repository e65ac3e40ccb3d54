using Docker.DotNet.Models;
using Version = System.Version;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>The Engine API client against the real dockerd.</summary>
[Collection(DockerCollection.Name)]
public sealed class EngineClientTests(DeployerFixture fx) : DockerTest
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(1);

    private static DockerEngine Engine(string maxApiVersion = "1.44") =>
        new(DockerEndpoint.From(DeployerFixture.Daemon()), maxApiVersion, RequestTimeout);

    [Fact]
    public async Task The_api_version_is_negotiated_from_the_engines_version()
    {
        using var engine = Engine();
        var server = Version.Parse(await DockerCli.RunAsync("version", "--format", "{{.Server.APIVersion}}"));
        var expected = server < new Version(1, 44) ? server : new Version(1, 44);

        var negotiated = await engine.GetApiVersionAsync();

        Assert.Equal($"{expected.Major}.{expected.Minor}", negotiated);
        Assert.Equal(server.ToString(), (await engine.GetVersionAsync()).APIVersion);
    }

    [Fact]
    public async Task A_lower_maximum_of_ours_is_used_and_calls_work_with_it()
    {
        using var engine = Engine(maxApiVersion: "1.40");

        Assert.Equal("1.40", await engine.GetApiVersionAsync());
        Assert.NotNull(await engine.InspectImageAsync(TestImages.Sleeper("1")));
    }

    [Fact]
    public async Task An_engine_whose_minimum_is_above_our_maximum_is_refused_with_both_versions()
    {
        using var engine = Engine(maxApiVersion: "1.11");
        var min = (await engine.GetVersionAsync()).MinAPIVersion!;

        var e = await Assert.ThrowsAsync<DockerEngineException>(() => engine.GetApiVersionAsync());

        Assert.Equal(DockerErrorKind.UnsupportedVersion, e.Kind);
        Assert.Contains(min, e.Message);
        Assert.Contains("1.11", e.Message);
    }

    [Fact]
    public async Task One_client_serves_every_call_to_the_same_engine()
    {
        var first = fx.Engines.Get(DeployerFixture.Daemon());
        var second = fx.Engines.Get(DeployerFixture.Daemon(net: "bridge"));

        Assert.Same(first, second);
        await first.PingAsync();
    }

    [Fact]
    public async Task Pull_streams_progress_from_the_local_registry_until_complete()
    {
        await DockerCli.TryAsync("rmi", TestImages.PullOnly);
        using var engine = Engine();
        var messages = new List<JSONMessage>();
        var progress = new PullProgress();
        var seen = new List<int>();

        await engine.PullImageAsync(TestImages.PullOnly[..TestImages.PullOnly.LastIndexOf(':')], "1", m =>
        {
            messages.Add(m);
            progress.Apply(m);
            seen.Add(progress.Percent);
            return ValueTask.CompletedTask;
        });

        Assert.Contains(messages, m => m.Status == "Pull complete");
        Assert.StartsWith("Status: Downloaded newer image for", messages[^1].Status);
        // the value moved while layers were arriving, not only at the end
        Assert.Contains(seen, p => p is > 0 and < PullProgress.Max);
        Assert.Equal(PullProgress.Max, seen[^1]);
        Assert.NotNull(await engine.InspectImageAsync(TestImages.PullOnly));
        await DockerCli.TryAsync("rmi", TestImages.PullOnly);
    }

    [Fact]
    public async Task Pulling_a_tag_the_registry_lacks_is_a_not_found_naming_the_image()
    {
        using var engine = Engine();
        var repository = $"{TestSettings.Registry}/{TestSettings.Repository}";

        var e = await Assert.ThrowsAsync<DockerEngineException>(() =>
            engine.PullImageAsync(repository, "no-such-tag", _ => ValueTask.CompletedTask));

        Assert.Equal(DockerErrorKind.NotFound, e.Kind);
        Assert.StartsWith($"Image {repository}:no-such-tag could not be pulled: ", e.Message);
    }

    [Fact]
    public async Task Containers_and_volumes_that_do_not_exist_are_answers_not_errors()
    {
        using var engine = Engine();
        var name = $"nc_app_{NewAppId()}";

        Assert.Null(await engine.InspectContainerAsync(name));
        Assert.False(await engine.RemoveContainerAsync(name, force: true));
        Assert.False(await engine.StopContainerAsync(name));
        Assert.False(await engine.RemoveVolumeAsync($"{name}_data"));
        Assert.Null(await engine.InspectImageAsync($"{TestSettings.Registry}/exapps-test/none:0"));
    }

    [Fact]
    public async Task Volume_creation_is_idempotent()
    {
        using var engine = Engine();
        var volume = $"nc_app_{NewAppId()}_data";

        await engine.CreateVolumeAsync(volume);
        await engine.CreateVolumeAsync(volume);

        Assert.True(await DockerCli.ExistsAsync("volume", volume));
        Assert.True(await engine.RemoveVolumeAsync(volume));
    }

    [Fact]
    public async Task A_second_container_of_the_same_name_is_a_conflict()
    {
        using var engine = Engine();
        var name = $"nc_app_{NewAppId()}";
        var body = Body(TestImages.Sleeper("1"));
        await engine.CreateContainerAsync(name, body);

        var e = await Assert.ThrowsAsync<DockerEngineException>(() => engine.CreateContainerAsync(name, body));

        Assert.Equal(DockerErrorKind.Conflict, e.Kind);
        Assert.Contains("already in use", e.Message);
    }

    [Fact]
    public async Task Logs_come_without_frame_headers_and_stop_and_start_work()
    {
        using var engine = Engine();
        var name = $"nc_app_{NewAppId()}";
        await engine.CreateContainerAsync(name, Body(TestImages.Sleeper("chatty")));
        await engine.StartContainerAsync(name);

        var logs = "";
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1)); // hang guard only
        while (!logs.Contains("to-stderr"))
        {
            await Task.Delay(100, guard.Token);
            logs = await engine.GetLogsAsync(name, tail: 10);
        }

        Assert.Equal(new[] { "to-stderr", "to-stdout" }, logs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.True(await engine.StopContainerAsync(name, TimeSpan.FromSeconds(1)));
        Assert.False((await engine.InspectContainerAsync(name))!.State!.Running);
    }

    [Fact]
    public async Task An_unreachable_engine_names_its_address_and_never_the_password()
    {
        var socket = $"/tmp/exapps-no-engine-{Guid.NewGuid():N}.sock";
        using var engine = new DockerEngine(DockerEndpoint.From(DeployerFixture.Daemon(host: socket,
            password: new ExApps.Contracts.Secret("do-not-show-me"))), "1.44", RequestTimeout);

        var e = await Assert.ThrowsAsync<DockerEngineException>(() => engine.PingAsync());

        Assert.Equal(DockerErrorKind.Unreachable, e.Kind);
        Assert.Contains($"unix://{socket} is unreachable", e.Message);
        Assert.DoesNotContain("do-not-show-me", e.ToString());
    }

    private static CreateContainerParameters Body(string image) => new()
    {
        Hostname = "test", Image = image, Env = [],
        HostConfig = new HostConfig { NetworkMode = "bridge", RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No }, Mounts = [] },
    };
}
