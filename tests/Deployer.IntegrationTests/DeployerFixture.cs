using ExApps.Contracts;
using ExApps.Deployer.Docker;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ExApps.Deployer.IntegrationTests;

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DeployerFixture>
{
    // Tests against the one engine run one after another: two cores, and deploys are not light.
    public const string Name = "docker";
}

/// <summary>Test images in the local registry, and the deployer's consumers on MassTransit's in-memory harness
/// using the real Docker engine.</summary>
public sealed class DeployerFixture : IAsyncLifetime
{
    /// <summary>Guards against a hang only; no test asserts on time.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    private ServiceProvider _provider = null!;

    public ITestHarness Harness { get; private set; } = null!;

    public IDockerEngines Engines => _provider.GetRequiredService<IDockerEngines>();

    public async Task InitializeAsync()
    {
        await TestImages.BuildAndPushAsync();

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // every progress change becomes an event, so that tests see the pull move
            ["Deployer:PullProgressInterval"] = "00:00:00",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddDeployerServices(configuration);
        services.AddMassTransitTestHarness(bus =>
        {
            bus.AddDeployerConsumers();
            bus.SetTestTimeouts(testTimeout: TimeSpan.FromMinutes(10));
        });
        _provider = services.BuildServiceProvider(validateScopes: true);
        Harness = _provider.GetRequiredService<ITestHarness>();
        await Harness.Start();
    }

    public async Task DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
        await TestImages.RemoveLocalAsync();
    }

    public static DaemonTarget Daemon(string net = "host", IReadOnlyList<RegistryRemap>? registries = null,
        string? host = null, Secret? password = null) =>
        new("docker_test", AppApiProtocol.DockerInstall, "http", host ?? TestSettings.DockerSocket, net, "cpu",
            password, registries ?? [], new Dictionary<string, string>(), null);

    public static DeployRequested Request(string appId, string tag, DaemonTarget? daemon = null,
        IReadOnlyList<AppEnvVar>? env = null, IReadOnlyList<AppMount>? mounts = null,
        string kind = AppApiProtocol.KindInstall) =>
        new(Guid.NewGuid(), appId, kind, "1.0.0", $"Test {appId}", 23999, new Secret($"secret-{Guid.NewGuid():N}"),
            "http://localhost:23999", "http://nextcloud.test", new ImageRef(TestSettings.Registry, TestSettings.Repository, tag),
            daemon ?? Daemon(), env ?? [], mounts ?? []);

    /// <summary>Publishes the request and returns what the deployer published for it, once it has finished.</summary>
    public async Task<DeployOutcome> DeployAsync(DeployRequested request)
    {
        await Harness.Bus.Publish(request);
        using var guard = new CancellationTokenSource(Guard);
        while (true)
        {
            var mine = ForOperation(request.OperationId);
            if (mine.FirstOrDefault(m => m is ContainerStarted or DeployFailed) is { } terminal)
                return new DeployOutcome(mine.OfType<DeployProgress>().Select(p => p.Progress).ToList(), terminal);
            await Task.Delay(100, guard.Token);
        }
    }

    public Task<Response<ContainerRemoved>> RemoveAsync(string appId, bool removeData) =>
        Harness.GetRequestClient<RemoveContainer>()
            .GetResponse<ContainerRemoved>(new RemoveContainer(appId, Daemon(), removeData));

    private List<object> ForOperation(Guid operationId)
    {
        using var now = new CancellationTokenSource();
        now.Cancel(); // what was published so far, without waiting for the harness to go quiet
        return Harness.Published.Select(_ => true, now.Token).Select(m => m.MessageObject)
            .Where(m => m switch
            {
                DeployProgress p => p.OperationId == operationId,
                ContainerStarted s => s.OperationId == operationId,
                DeployFailed f => f.OperationId == operationId,
                _ => false,
            }).ToList();
    }
}

public sealed record DeployOutcome(IReadOnlyList<int> Progress, object Terminal)
{
    public ContainerStarted Started => Assert.IsType<ContainerStarted>(Terminal);

    public DeployFailed Failed => Assert.IsType<DeployFailed>(Terminal);
}

/// <summary>Removes what a test's app ids and networks left on the engine.</summary>
public abstract class DockerTest : IAsyncLifetime
{
    private readonly List<string> _apps = [];
    private readonly List<string> _networks = [];

    protected string NewAppId()
    {
        var id = TestSettings.NewAppId();
        _apps.Add(id);
        return id;
    }

    protected async Task<string> NewNetworkAsync()
    {
        var name = $"exapps-test-{Guid.NewGuid():N}"[..24];
        await DockerCli.RunAsync("network", "create", name);
        _networks.Add(name);
        return name;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await DockerCli.TryAsync("rm", "-f", AppApiProtocol.ContainerName(app));
            await DockerCli.TryAsync("volume", "rm", "-f", AppApiProtocol.VolumeName(app));
        }
        foreach (var network in _networks) await DockerCli.TryAsync("network", "rm", network);
    }
}
