using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>The platform with TWO deployer processes competing for the same queues.</summary>
public sealed class DeployerPlatformFixture : PlatformFixture, IAsyncLifetime
{
    public const string SecondDeployer = "deployer2";

    private static readonly (string Name, int Port) Own = Named("dep", 18280);
    protected override string Name => Own.Name;
    protected override int BasePort => Own.Port;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await StartExtraAsync(SecondDeployer, "deployer", "ExApps.Deployer", BasePort + 4);
    }

    public new Task DisposeAsync() => base.DisposeAsync();

    /// <summary>How many consumers the deploy queue has: a deployer is healthy before its bus has connected.</summary>
    public async Task WaitForDeployConsumersAsync(int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1)); // hang guard only
        while (true)
        {
            if (await Broker.ConsumerCountAsync("deploy-requested") >= count) return;
            await Task.Delay(250, guard.Token);
        }
    }

    /// <summary>Polls the app until its install finished or failed (spec internal-api: finished = enabled, init
    /// 100 and no action; failed = an error).</summary>
    public async Task<JsonElement> WaitFinishedAsync(string appId, TimeSpan guardTime)
    {
        using var guard = new CancellationTokenSource(guardTime); // hang guard only
        while (true)
        {
            var app = await GetAppAsync(appId);
            var s = app.GetProperty("status");
            if (s.GetProperty("error").GetString() is { Length: > 0 }) return app;
            if (app.GetProperty("enabled").GetBoolean() && s.GetProperty("init").GetInt32() == 100
                && s.GetProperty("action").GetString() == "") return app;
            await Task.Delay(500, guard.Token);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DeployerPlatformCollection : ICollectionFixture<DeployerPlatformFixture>
{
    public const string Name = "deployer-platform";
}

/// <summary>Issue 4: installs spread over two deployers, and a deployer killed mid-pull.</summary>
[Collection(DeployerPlatformCollection.Name)]
public sealed class DeployerScaleTests(DeployerPlatformFixture platform)
{
    private const string Daemon = "dep_docker";
    private const int Installs = 20;

    private async Task EnsureDaemonAsync()
    {
        var r = await platform.Cli("daemon:register", Daemon, "Deployer E2E", "docker-install", "http",
            TestSettings.DockerSocket, platform.GatewayUrl, "--net", "host");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public async Task Twenty_concurrent_installs_on_two_deployers_each_end_with_one_running_container()
    {
        await EnsureDaemonAsync();
        await platform.WaitForDeployConsumersAsync(2);
        var apps = Enumerable.Range(1, Installs).Select(i => $"{platform.AppPrefix}many{i:00}").ToList();
        var xml = await File.ReadAllTextAsync(RepoPaths.Fixture("test-exapp.xml"));

        var accepted = await Task.WhenAll(apps.Select(id => platform.AdminAsync(HttpMethod.Post, "/admin/apps",
            new { appid = id, daemon = Daemon, info_xml = xml.Replace("<id>test-exapp</id>", $"<id>{id}</id>") })));
        Assert.All(accepted, r => Assert.Equal(HttpStatusCode.Accepted, r.Status));
        var finished = await Task.WhenAll(apps.Select(id => platform.WaitFinishedAsync(id, TimeSpan.FromMinutes(10))));

        try
        {
            foreach (var app in finished)
            {
                var appId = app.GetProperty("appid").GetString()!;
                Assert.True(app.GetProperty("enabled").GetBoolean(), $"{appId}: {app}\n{platform.Logs()}");
                Assert.Equal("", app.GetProperty("status").GetProperty("error").GetString());
                var containers = await ProcessRunner.RunAsync("docker",
                    ["ps", "-a", "--filter", $"name=^/nc_app_{appId}$", "--format", "{{.State}}"]);
                Assert.Equal(["running"], containers.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
            Assert.Equal(Installs, finished.Select(a => a.GetProperty("port").GetInt32()).Distinct().Count());
            // Both processes took part: each holds at most Deployer:ConcurrentDeploys (4) of the 20 at a time.
            foreach (var name in new[] { "deployer", DeployerPlatformFixture.SecondDeployer })
                Assert.Contains($"Deploying {platform.AppPrefix}many", platform.Service(name).Tail(2000));
        }
        finally
        {
            await Task.WhenAll(apps.Select(id => platform.AdminAsync(HttpMethod.Delete, $"/admin/apps/{id}?rm_data=true&force=true", null)));
        }
        foreach (var id in apps) Assert.Null(await Docker.InspectContainerAsync($"nc_app_{id}"));
    }

    [Fact]
    public async Task A_deployer_killed_during_a_pull_leaves_the_install_to_the_other_one()
    {
        await EnsureDaemonAsync();
        await platform.WaitForDeployConsumersAsync(2);
        var appId = platform.AppPrefix + "killed";
        var image = await BigTestImage.EnsureAsync();
        await using var slow = await ThrottledProxy.StartAsync("127.0.0.1", 5000, bytesPerSecond: 12 << 20);
        var slowReference = $"127.0.0.1:{slow.Port}/{BigTestImage.Repository}:{image.Tag}";
        await ProcessRunner.RunAsync("docker", ["rmi", slowReference]);
        var xml = (await File.ReadAllTextAsync(RepoPaths.Fixture("test-exapp.xml")))
            .Replace("<id>test-exapp</id>", $"<id>{appId}</id>")
            .Replace("<registry>localhost:5000</registry>", $"<registry>127.0.0.1:{slow.Port}</registry>")
            .Replace("<image>exapps/test-exapp</image>", $"<image>{BigTestImage.Repository}</image>")
            .Replace("<image-tag>1.0.0</image-tag>", $"<image-tag>{image.Tag}</image-tag>");
        string? killed = null;
        try
        {
            var accepted = await platform.AdminAsync(HttpMethod.Post, "/admin/apps", new { appid = appId, daemon = Daemon, info_xml = xml });
            Assert.Equal(HttpStatusCode.Accepted, accepted.Status);

            // Kill whichever deployer took the install once the pull has visibly started.
            using (var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3))) // hang guard only
            {
                while (true)
                {
                    var deploy = (await platform.GetAppAsync(appId)).GetProperty("status").GetProperty("deploy").GetInt32();
                    killed = new[] { "deployer", DeployerPlatformFixture.SecondDeployer }
                        .FirstOrDefault(n => platform.Service(n).Tail(400).Contains($"Deploying {appId}"));
                    if (deploy is > 0 and < 90 && killed is not null) break;
                    Assert.True(deploy < 90, $"the pull ended before a deployer could be killed (deploy {deploy})");
                    await Task.Delay(100, guard.Token);
                }
            }
            await platform.Service(killed).KillAsync();
            var survivor = killed == "deployer" ? DeployerPlatformFixture.SecondDeployer : "deployer";

            var app = await platform.WaitFinishedAsync(appId, TimeSpan.FromMinutes(5));

            Assert.True(app.GetProperty("enabled").GetBoolean(), $"{app}\n{platform.Logs()}");
            Assert.Equal("", app.GetProperty("status").GetProperty("error").GetString());
            Assert.Contains($"Deploy of {appId}", platform.Service(survivor).Tail(2000));
            Assert.Contains("starts over: attempt 2", platform.Service(survivor).Tail(2000));
            var containers = await ProcessRunner.RunAsync("docker",
                ["ps", "-a", "--filter", $"name=^/nc_app_{appId}$", "--format", "{{.Image}} {{.State}}"]);
            Assert.Equal([$"{slowReference} running"], containers.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            await platform.AdminAsync(HttpMethod.Delete, $"/admin/apps/{appId}?rm_data=true&force=true", null);
            await Docker.RemoveContainerAsync($"nc_app_{appId}");
            await ProcessRunner.RunAsync("docker", ["rmi", slowReference]);
            if (killed is not null) await platform.RestartAsync(killed);
        }
    }

    /// <summary>The test ExApp plus three layers of 40 MiB of seeded random data, in the local registry, built
    /// once per test ExApp build (the tag carries the base image's id).</summary>
    private static class BigTestImage
    {
        public const string Repository = "exapps/test-exapp-big";
        private const string Base = "localhost:5000/exapps/test-exapp:1.0.0";

        public sealed record Image(string Tag);

        public static async Task<Image> EnsureAsync()
        {
            var baseId = (await ProcessRunner.RunAsync("docker", ["image", "inspect", "-f", "{{.Id}}", Base])).StdOut.Trim();
            var tag = "big-" + baseId.Replace("sha256:", "")[..12];
            var reference = $"localhost:5000/{Repository}:{tag}";
            using var http = new HttpClient();
            using var probe = new HttpRequestMessage(HttpMethod.Head, $"http://localhost:5000/v2/{Repository}/manifests/{tag}");
            probe.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
            if ((await http.SendAsync(probe)).IsSuccessStatusCode) return new Image(tag);

            var context = Directory.CreateTempSubdirectory("exapps-big-exapp-").FullName;
            try
            {
                var dockerfile = $"FROM {Base}\n";
                var random = new Random(4242);
                var data = new byte[40 << 20];
                for (var i = 0; i < 3; i++)
                {
                    random.NextBytes(data);
                    var file = Path.Combine(context, $"layer{i}.bin");
                    await File.WriteAllBytesAsync(file, data);
                    File.SetLastWriteTimeUtc(file, DateTime.UnixEpoch);
                    dockerfile += $"COPY layer{i}.bin /ballast/layer{i}.bin\n";
                }
                await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), dockerfile);
                await Check(ProcessRunner.RunAsync("docker", ["build", "-q", "-t", reference, context],
                    new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "0" }, TimeSpan.FromMinutes(5)));
                await Check(ProcessRunner.RunAsync("docker", ["push", reference], timeout: TimeSpan.FromMinutes(5)));
                await ProcessRunner.RunAsync("docker", ["rmi", reference]);
            }
            finally
            {
                Directory.Delete(context, recursive: true);
            }
            return new Image(tag);
        }

        private static async Task Check(Task<ProcessResult> run)
        {
            var r = await run;
            if (r.ExitCode != 0) throw new InvalidOperationException(r.ToString());
        }
    }

    /// <summary>A TCP relay that slows the registry down to <c>bytesPerSecond</c> downstream, so that a pull lasts
    /// long enough to kill a deployer in the middle of it. Docker trusts plain http on 127.0.0.0/8 registries.</summary>
    private sealed class ThrottledProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly long _bytesPerSecond;
        private readonly string _host;
        private readonly int _port;

        private ThrottledProxy(string host, int port, long bytesPerSecond)
        {
            _host = host;
            _port = port;
            _bytesPerSecond = bytesPerSecond;
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static Task<ThrottledProxy> StartAsync(string host, int port, long bytesPerSecond)
        {
            var proxy = new ThrottledProxy(host, port, bytesPerSecond);
            _ = proxy.AcceptLoopAsync();
            return Task.FromResult(proxy);
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                _ = RelayAsync(client);
            }
        }

        private async Task RelayAsync(TcpClient client)
        {
            using (client)
            using (var upstream = new TcpClient())
            {
                try
                {
                    await upstream.ConnectAsync(_host, _port, _stop.Token);
                    var up = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
                    var down = CopyThrottledAsync(upstream.GetStream(), client.GetStream(), _stop.Token);
                    await Task.WhenAny(up, down);
                }
                catch (Exception)
                {
                    // a closed side ends the relay
                }
            }
        }

        // One gate for every connection: Docker downloads layers in parallel, and the limit is for the whole pull.
        private readonly SemaphoreSlim _gate = new(1, 1);

        private async Task CopyThrottledAsync(Stream from, Stream to, CancellationToken ct)
        {
            var buffer = new byte[64 << 10];
            int read;
            while ((read = await from.ReadAsync(buffer, ct)) > 0)
            {
                await _gate.WaitAsync(ct);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)read / _bytesPerSecond), ct);
                }
                finally
                {
                    _gate.Release();
                }
                await to.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
