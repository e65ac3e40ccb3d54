using System.Net.Http.Json;
using System.Text.Json;
using ExApps.TestSupport;
using Npgsql;

namespace ExApps.EndToEnd.Tests;

/// <summary>The whole platform as real processes (registry, deployer, lifecycle, gateway) on the real PostgreSQL and
/// dockerd, in a database of its own, with a RabbitMQ broker of its own in a container (<see cref="Broker"/>: tests
/// may stop and restart it), on ports that do not clash with a platform started by hand.</summary>
public class PlatformFixture : IAsyncLifetime
{
    public const string AdminToken = "e2e-admin-token-0123456789";

    private readonly List<ServiceProcess> _services = [];
    private readonly string _logDir = Path.Combine(RepoPaths.Root, ".local", "test-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Guid.NewGuid().ToString("N")[..6]);

    /// <summary>Names the database and app ids; EXAPPS_E2E_NAME / EXAPPS_E2E_PORT let two runs on one machine stay
    /// apart (fixtures of their own derive their name and ports from them with <see cref="Named"/>).</summary>
    protected virtual string Name => RunName ?? "e2e";
    protected virtual int BasePort => RunPort ?? 18080;

    private static readonly string? RunName = Environment.GetEnvironmentVariable("EXAPPS_E2E_NAME") is { Length: > 0 } n ? n : null;
    private static readonly int? RunPort = int.TryParse(Environment.GetEnvironmentVariable("EXAPPS_E2E_PORT"), out var p) ? p : null;

    /// <summary>A fixture's own name and base port: <paramref name="name"/> and <paramref name="defaultPort"/> on
    /// their own, or the run's name plus <paramref name="name"/> and a port within the run's block of 100
    /// (EXAPPS_E2E_PORT + 20 per fixture; a platform uses its base port to base + 10).</summary>
    protected static (string Name, int Port) Named(string name, int defaultPort) =>
        (RunName is null ? name : RunName + name, RunPort is { } port ? port + (defaultPort - 18080) / 5 : defaultPort);
    protected virtual IDictionary<string, string> LifecycleSettings => new Dictionary<string, string>();
    /// <summary>Settings every service of this platform gets on top of the common ones.</summary>
    protected virtual IReadOnlyDictionary<string, string> ServiceSettings => new Dictionary<string, string>();
    protected virtual IDictionary<string, string> RegistrySettings => new Dictionary<string, string>();

    /// <summary>Whether this platform gets a PostgreSQL server of its own (a container the tests may stop and start)
    /// instead of a database on the host's server.</summary>
    protected virtual bool OwnDatabaseServer => false;
    /// <summary>The platform's own PostgreSQL server, when <see cref="OwnDatabaseServer"/>.</summary>
    public PostgresContainer? DatabaseServer { get; private set; }

    /// <summary>Where the services' logs go (a fixture's own processes may log there too).</summary>
    protected string LogDirectory => _logDir;

    /// <summary>The fixed name of another fixture, moved under EXAPPS_E2E_NAME when that is set (so "gw" becomes
    /// "sec-gw"), letting two runs of the same fixture on one machine stay apart.</summary>
    protected static string Scoped(string name) =>
        Environment.GetEnvironmentVariable("EXAPPS_E2E_NAME") is { Length: > 0 } n ? $"{n}-{name}" : name;

    /// <summary>The fixed base port of another fixture, or EXAPPS_E2E_PORT + <paramref name="offset"/> when that is set.</summary>
    protected static int ScopedPort(int port, int offset) =>
        int.TryParse(Environment.GetEnvironmentVariable("EXAPPS_E2E_PORT"), out var p) ? p + offset : port;

    /// <summary>App ids of this fixture start with this, so leftovers of an earlier run can be found.</summary>
    public string AppPrefix => Name + "-";
    public string GatewayUrl => $"http://127.0.0.1:{BasePort}";
    public int LifecyclePort => BasePort + 2;

    /// <summary>Where this platform's ExApp ports start (registry port range, and a block of 100 for fleets of test
    /// ExApps at 24000 + twice this offset), so that platforms of different EXAPPS_E2E_PORT on one host stay apart.</summary>
    public int PortOffset => Math.Abs(BasePort - 18080) % 400;
    /// <summary>Set at start: 24000 + twice <see cref="PortOffset"/>, or the next block of 200 ports nothing answers on.</summary>
    public int FleetPorts { get; private set; }
    /// <summary>Set at start: where the registry's ExApp port range starts (docker installs on the host network listen
    /// there): 23500 + <see cref="PortOffset"/>, or further on when something on this machine (another platform's
    /// ExApps, say) already answers in the first 20 ports.</summary>
    public int ExAppPorts { get; private set; }

    /// <summary>The first of <paramref name="count"/> ports from <paramref name="start"/> on, in steps of
    /// <paramref name="count"/>, none of which answers on loopback now.</summary>
    private static int FreeBlock(int start, int count)
    {
        for (var first = start; first + count <= 65535; first += count)
        {
            if (!Enumerable.Range(first, count).Any(Answers)) return first;
        }
        throw new InvalidOperationException($"No block of {count} free ports from {start} on.");

        static bool Answers(int port)
        {
            using var client = new System.Net.Sockets.TcpClient();
            try
            {
                return client.ConnectAsync(System.Net.IPAddress.Loopback, port).Wait(TimeSpan.FromMilliseconds(200));
            }
            catch (AggregateException)
            {
                return false;
            }
        }
    }
    public string Database => $"exapps_{Name}";
    /// <summary>This platform's broker; its queues, messages and connections are no one else's.</summary>
    public RabbitMqContainer Broker { get; private set; } = null!;
    // Generous: an unregistration answers when the container is gone, which takes a while for many apps at once on a busy machine.
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };
    public IReadOnlyList<ServiceProcess> Services => _services;

    public async Task InitializeAsync()
    {
        // The broker boots (seconds of Erlang) while the rest is prepared; the next platform's boots meanwhile.
        var broker = RabbitMqContainer.StartAsync(warmNext: true);
        ExAppPorts = FreeBlock(23500 + PortOffset, 20);
        FleetPorts = FreeBlock(24000 + 2 * PortOffset, 200);
        await ResetDatabaseAsync();
        await RemoveLeftoverContainersAsync();
        await Check(ProcessRunner.RunAsync("bash", ["scripts/build-test-image.sh"], timeout: TimeSpan.FromMinutes(8)), "build the test image");
        Broker = await broker;
        if (OwnDatabaseServer) DatabaseServer = await PostgresContainer.StartAsync();

        var common = new Dictionary<string, string>(Broker.ServiceSettings)
        {
            ["ConnectionStrings__Postgres"] = DatabaseServer is { } own
                ? $"Host={own.Host};Port={own.Port};Username={PostgresContainer.Username};Password={PostgresContainer.Password};Database={Database}"
                : $"Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database={Database}",
            ["Admin__Token"] = AdminToken,
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in ServiceSettings) common[key] = value;
        Start("registry", "registry", "ExApps.Registry", BasePort + 1, common, new(RegistrySettings)
        {
            ["Registry__EncryptionKeyFile"] = Path.Combine(_logDir, "registry.key"),
            ["Registry__PortRangeStart"] = ExAppPorts.ToString(),
            ["Registry__PortRangeEnd"] = Math.Max(23999, ExAppPorts + 99).ToString(),
        });
        Start("deployer", "deployer", "ExApps.Deployer", BasePort + 3, common, new());
        Start("lifecycle", "lifecycle", "ExApps.Lifecycle", BasePort + 2, common, new(LifecycleSettings));
        Start("gateway", "gateway", "ExApps.Gateway", BasePort, common, new()
        {
            ["Gateway__RegistryUrl"] = $"http://127.0.0.1:{BasePort + 1}",
        });
        for (var i = 0; i < 4; i++) await WaitHealthyAsync(_services[i], BasePort + new[] { 1, 3, 2, 0 }[i]);
    }

    private Dictionary<string, string> _common = [];

    /// <summary>Starts one more service process with this platform's settings (e.g. a second deployer) and waits
    /// until it is healthy; it is stopped with the fixture.</summary>
    public async Task<ServiceProcess> StartExtraAsync(string name, string folder, string assembly, int port,
        Dictionary<string, string>? extra = null)
    {
        Start(name, folder, assembly, port, _common, extra ?? []);
        await WaitHealthyAsync(_services[^1], port);
        return _services[^1];
    }

    /// <summary>Starts a service again after <see cref="ServiceProcess.KillAsync"/> (same name, settings, port).</summary>
    public async Task<ServiceProcess> RestartAsync(string name)
    {
        var old = Service(name);
        await old.DisposeAsync();
        _services.Remove(old);
        var (folder, assembly, port, extra) = _started[name];
        Start(name, folder, assembly, port, _common, extra);
        await WaitHealthyAsync(_services[^1], port);
        return _services[^1];
    }

    private readonly Dictionary<string, (string, string, int, Dictionary<string, string>)> _started = [];

    private void Start(string name, string folder, string assembly, int port, Dictionary<string, string> common,
        Dictionary<string, string> extra)
    {
        _common = common;
        _started[name] = (folder, assembly, port, extra);
        var env = new Dictionary<string, string>(common) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" };
        foreach (var (k, v) in extra) env[k] = v;
        _services.Add(ServiceProcess.Start(name, RepoPaths.ServiceDll(folder, assembly), env, _logDir));
    }

    public ServiceProcess Service(string name) => _services.Single(s => s.Name == name);

    protected async Task WaitHealthyAsync(ServiceProcess service, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (service.HasExited) throw new InvalidOperationException($"{service.Name} exited at start:\n{service.Tail()}");
            try
            {
                using var r = await Http.GetAsync($"http://127.0.0.1:{port}/health");
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{service.Name} was not healthy within 60 s:\n{service.Tail()}");
    }

    /// <summary>Runs the real CLI (<c>./appapi</c>) against this platform.</summary>
    public Task<ProcessResult> Cli(params string[] args) => ProcessRunner.RunAsync("bash", ["appapi", .. args],
        new Dictionary<string, string> { ["APPAPI_URL"] = GatewayUrl, ["APPAPI_TOKEN"] = AdminToken },
        TimeSpan.FromMinutes(12));

    public async Task<JsonElement> GetAppAsync(string appId)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, $"{GatewayUrl}/admin/apps/{appId}");
        req.Headers.Authorization = new("Bearer", AdminToken);
        using var res = await Http.SendAsync(req);
        res.EnsureSuccessStatusCode();
        return await res.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>An admin API call through the gateway, with the admin token; the answer as status, text and JSON.</summary>
    public async Task<AdminAnswer> AdminAsync(HttpMethod method, string path, object? body)
    {
        using var req = new HttpRequestMessage(method, GatewayUrl + path);
        req.Headers.Authorization = new("Bearer", AdminToken);
        if (body is not null) req.Content = JsonContent.Create(body);
        using var res = await Http.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        return new AdminAnswer(res.StatusCode, text, res.Headers.RetryAfter?.Delta);
    }

    /// <summary>Waits until every app of <paramref name="ids"/> satisfies <paramref name="done"/> (read through the
    /// admin API every 250 ms); the bound only ends a test that would hang, saying which apps did not get there.</summary>
    public async Task<Dictionary<string, JsonElement>> WaitForAppsAsync(IReadOnlyCollection<string> ids,
        Func<JsonElement, bool> done, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var apps = (await AdminAsync(HttpMethod.Get, "/admin/apps", null)).Json.EnumerateArray()
                .Where(a => ids.Contains(a.GetProperty("appid").GetString()!))
                .ToDictionary(a => a.GetProperty("appid").GetString()!, a => a.Clone());
            var pending = ids.Where(id => !apps.TryGetValue(id, out var a) || !done(a)).ToList();
            if (pending.Count == 0) return apps;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{pending.Count} of {ids.Count} apps never got there, e.g. " +
                    string.Join("\n", pending.Take(3).Select(id => apps.TryGetValue(id, out var a) ? a.ToString() : id + " (gone)")) +
                    "\n" + Logs());
            await Task.Delay(250);
        }
    }

    public string Logs() => string.Join("\n", _services.Select(s => $"===== {s.Name} ({s.LogPath})\n{s.Tail(60)}"));

    private async Task ResetDatabaseAsync()
    {
        await using var conn = new NpgsqlConnection(TestSettings.PgAdmin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task RemoveLeftoverContainersAsync()
    {
        var list = await ProcessRunner.RunAsync("docker", ["ps", "-aq", "--filter", $"name=nc_app_{Name}-"]);
        foreach (var id in list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            await ProcessRunner.RunAsync("docker", ["rm", "-f", id]);
        var volumes = await ProcessRunner.RunAsync("docker", ["volume", "ls", "-q", "--filter", $"name=nc_app_{Name}-"]);
        foreach (var v in volumes.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            await ProcessRunner.RunAsync("docker", ["volume", "rm", "-f", v]);
    }

    protected static async Task Check(Task<ProcessResult> run, string what)
    {
        var r = await run;
        if (r.ExitCode != 0) throw new InvalidOperationException($"Could not {what}: {r}");
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _services) await s.DisposeAsync();
        if (Broker is not null) await Broker.DisposeAsync();
        if (DatabaseServer is not null) await DatabaseServer.DisposeAsync();
        Http.Dispose();
    }
}

public sealed record AdminAnswer(System.Net.HttpStatusCode Status, string Body, TimeSpan? RetryAfter = null)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
