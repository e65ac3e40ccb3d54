using ExApps.Contracts;
using ExApps.Deployer.Docker;
using ExApps.Deployer.Persistence;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

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
    private DeployerHost _host = null!;

    public ITestHarness Harness => _host.Harness;

    public IDockerEngines Engines => _host.Services.GetRequiredService<IDockerEngines>();

    public IServiceProvider Services => _host.Services;

    /// <summary>The CA, server and client certificates of the TLS proxies (generated with openssl).</summary>
    public TlsMaterial Tls { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await TestImages.BuildAndPushAsync();
        Tls = await TlsMaterial.CreateAsync();
        await ResetDatabaseAsync();
        _host = await DeployerHost.StartAsync(new Dictionary<string, string?>());
    }

    /// <summary>Another deployer (its own consumers and in-memory bus, the same database) with other settings.</summary>
    public Task<DeployerHost> StartHostAsync(Dictionary<string, string?> settings) => DeployerHost.StartAsync(settings);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Tls.Dispose();
        await TestImages.RemoveLocalAsync();
    }

    private static async Task ResetDatabaseAsync()
    {
        var csb = new NpgsqlConnectionStringBuilder(TestSettings.Postgres);
        var database = csb.Database;
        csb.Database = "postgres";
        await using var conn = new NpgsqlConnection(csb.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static DaemonTarget Daemon(string net = "host", IReadOnlyList<RegistryRemap>? registries = null,
        string? host = null, Secret? password = null) =>
        new("docker_test", AppApiProtocol.DockerInstall, "http", host ?? TestSettings.DockerSocket, net, "cpu",
            password, registries ?? [], new Dictionary<string, string>(), null);

    public static DeployRequested Request(string appId, string tag, DaemonTarget? daemon = null,
        IReadOnlyList<AppEnvVar>? env = null, IReadOnlyList<AppMount>? mounts = null,
        string kind = AppApiProtocol.KindInstall, int? port = null)
    {
        // A port nothing answers on, as the deployer checks on the host network (the test images listen nowhere).
        var appPort = port ?? TestSettings.FreePort();
        return new(Guid.NewGuid(), appId, kind, "1.0.0", $"Test {appId}", appPort, new Secret($"secret-{Guid.NewGuid():N}"),
            $"http://localhost:{appPort}", "http://nextcloud.test", new ImageRef(TestSettings.Registry, TestSettings.Repository, tag),
            daemon ?? Daemon(), env ?? [], mounts ?? []);
    }

    public Task<DeployOutcome> DeployAsync(DeployRequested request) => _host.DeployAsync(request);

    public Task<DeployOutcome> OutcomeAsync(Guid operationId, int terminals = 1) => _host.OutcomeAsync(operationId, terminals);

    public Task<Response<ContainerRemoved>> RemoveAsync(string appId, bool removeData) =>
        Harness.GetRequestClient<RemoveContainer>()
            .GetResponse<ContainerRemoved>(new RemoveContainer(Guid.Empty, appId, Daemon(), removeData));
}

/// <summary>The deployer's consumers on MassTransit's in-memory harness, against the real Docker engine and the
/// test database, with the schema migrated as the service does at start.</summary>
public sealed class DeployerHost : IAsyncDisposable
{
    /// <summary>Guards against a hang only; no test asserts on time.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    private readonly ServiceProvider _provider;

    private DeployerHost(ServiceProvider provider)
    {
        _provider = provider;
        Harness = provider.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public IServiceProvider Services => _provider;

    public static async Task<DeployerHost> StartAsync(Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestSettings.Postgres,
            // every progress change becomes an event, so that tests see the pull move
            ["Deployer:PullProgressInterval"] = "00:00:00",
        };
        foreach (var (k, v) in settings) all[k] = v;
        var services = new ServiceCollection().AddLogging();
        services.AddDeployerServices(new ConfigurationBuilder().AddInMemoryCollection(all).Build());
        services.AddMassTransitTestHarness(bus =>
        {
            bus.AddDeployerConsumers();
            bus.SetTestTimeouts(testTimeout: TimeSpan.FromMinutes(10));
        });
        var provider = services.BuildServiceProvider(validateScopes: true);
        await DeployerSchema.MigrateAsync(provider.GetRequiredService<DeployerDatabase>(),
            NullLogger.Instance, CancellationToken.None);
        var host = new DeployerHost(provider);
        await host.Harness.Start();
        return host;
    }

    /// <summary>Publishes the request and returns what the deployer published for it, once it has finished.</summary>
    public async Task<DeployOutcome> DeployAsync(DeployRequested request)
    {
        await Harness.Bus.Publish(request);
        return await OutcomeAsync(request.OperationId);
    }

    /// <summary>What was published for the operation, once <paramref name="terminals"/> outcomes were.</summary>
    public async Task<DeployOutcome> OutcomeAsync(Guid operationId, int terminals = 1)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (true)
        {
            var mine = ForOperation(operationId);
            var ends = mine.Where(m => m is ContainerStarted or DeployFailed).ToList();
            if (ends.Count >= terminals)
                return new DeployOutcome(mine.OfType<DeployProgress>().Select(p => p.Progress).ToList(), ends[0], ends);
            await Task.Delay(100, guard.Token);
        }
    }

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

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }
}

public sealed record DeployOutcome(IReadOnlyList<int> Progress, object Terminal, IReadOnlyList<object>? Terminals = null)
{
    public ContainerStarted Started => Assert.IsType<ContainerStarted>(Terminal);

    public DeployFailed Failed => Assert.IsType<DeployFailed>(Terminal);
}

/// <summary>Removes what a test's app ids and networks left on the engine.</summary>
public abstract class DockerTest : IAsyncLifetime
{
    private readonly List<string> _apps = [];
    private readonly List<string> _networks = [];

    /// <summary>Instance prefixes a test deployed with, so that cleanup finds those names too.</summary>
    protected List<string> Prefixes { get; } = [""];

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
        foreach (var prefix in Prefixes)
        {
            await DockerCli.TryAsync("rm", "-f", prefix + AppApiProtocol.ContainerName(app));
            await DockerCli.TryAsync("volume", "rm", "-f", prefix + AppApiProtocol.VolumeName(app));
        }
        foreach (var network in _networks) await DockerCli.TryAsync("network", "rm", network);
    }
}
