using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ExApps.Contracts;
using ExApps.ServiceDefaults;
using ExApps.TestSupport;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;

namespace ExApps.Registry.IntegrationTests;

/// <summary>The real registry (its own <c>AddRegistry</c>/<c>MapRegistryEndpoints</c>) on 127.0.0.1:0, with a
/// fresh database on the host's PostgreSQL and a RabbitMQ broker of its own in a container (<see cref="Broker"/>),
/// plus a bus of the test's own on that broker that records what the registry publishes to the deployer and the
/// lifecycle.</summary>
public class RegistryHost : IAsyncLifetime
{
    public const string Token = "registry-it-token-0123456789";
    /// <summary>EXAPPS_REGISTRY_IT_DB names the database (default <c>exapps_registry_it</c>), so that two runs on one
    /// machine stay apart; fixtures of their own add a suffix to it.</summary>
    public static string BaseName { get; } =
        Environment.GetEnvironmentVariable("EXAPPS_REGISTRY_IT_DB") is { Length: > 0 } n ? n : "exapps_registry_it";
    protected virtual string Database => BaseName;
    /// <summary>Whether the test's bus consumes what the registry sends to the deployer and the lifecycle.</summary>
    protected virtual bool ObserveCommands => true;

    private WebApplication? _app;
    private IBusControl? _bus;

    public string ConnectionString => ServerConnectionString.Replace("Database=postgres", $"Database={Database}");

    /// <summary>The PostgreSQL server the database is made on (its <c>postgres</c> database): the host's by default.</summary>
    protected virtual string ServerConnectionString =>
        Environment.GetEnvironmentVariable("EXAPPS_TEST_PG") is { Length: > 0 } pg ? pg
            : "Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=postgres";

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };
    private NpgsqlDataSource? _db;
    /// <summary>The tests' own connections, named so that they can be told from the registry's.</summary>
    public NpgsqlDataSource Db => _db ??= NpgsqlDataSource.Create(ConnectionString + ";Application Name=" + TestsApplicationName);
    public const string TestsApplicationName = "registry-tests";
    public IBus Bus => _bus!;
    public RabbitMqContainer Broker { get; private set; } = null!;
    public ConcurrentQueue<InstallApp> Installs { get; } = new();
    public ConcurrentQueue<UpdateApp> Updates { get; } = new();
    public ConcurrentQueue<EnableApp> Enables { get; } = new();
    public ConcurrentQueue<DisableApp> Disables { get; } = new();
    public ConcurrentQueue<UnregisterApp> Unregisters { get; } = new();
    /// <summary>What the registry announces after applying a snapshot (the lifecycle and the gateways hear it).</summary>
    public ConcurrentQueue<AppChanged> Changes { get; } = new();
    public ConcurrentQueue<AppUnregistered> Unregistered { get; } = new();
    /// <summary>What the registry announces to a Nextcloud connector when registrations change.</summary>
    public ConcurrentQueue<ExAppRegistrationSaved> RegistrationsSaved { get; } = new();
    public ConcurrentQueue<ExAppRegistrationRemoved> RegistrationsRemoved { get; } = new();

    public virtual async Task InitializeAsync()
    {
        var broker = RabbitMqContainer.StartAsync();
        await using (var admin = new NpgsqlConnection(ConnectionString.Replace($"Database={Database}", "Database=postgres")))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        Broker = await broker;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Postgres"] = ConnectionString,
            ["RabbitMq:Host"] = Broker.Host,
            ["RabbitMq:Port"] = Broker.Port.ToString(),
            ["RabbitMq:Username"] = RabbitMqContainer.Username,
            ["RabbitMq:Password"] = RabbitMqContainer.Password,
            ["Admin:Token"] = Token,
            ["Registry:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Registry:DeployerRequestTimeout"] = "00:00:02",
            ["Registry:DisableTimeout"] = "00:00:30",
        });
        builder.AddServiceDefaults();
        builder.AddRegistry();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapRegistryEndpoints();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http.BaseAddress = new Uri(address);
        Http.DefaultRequestHeaders.Authorization = new("Bearer", Token);

        _bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(Broker.Host, (ushort)Broker.Port, "/", h =>
            {
                h.Username(RabbitMqContainer.Username);
                h.Password(RabbitMqContainer.Password);
            });
            // The test plays the lifecycle: it takes the registry's requests and answers with snapshots.
            if (ObserveCommands) cfg.ReceiveEndpoint("registry-it-lifecycle", e =>
            {
                e.Handler<InstallApp>(c => { Installs.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<UpdateApp>(c => { Updates.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<EnableApp>(c => { Enables.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<DisableApp>(c => { Disables.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<UnregisterApp>(c => { Unregisters.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<AppChanged>(c => { Changes.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<AppUnregistered>(c => { Unregistered.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<ExAppRegistrationSaved>(c => { RegistrationsSaved.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<ExAppRegistrationRemoved>(c => { RegistrationsRemoved.Enqueue(c.Message); return Task.CompletedTask; });
            });
        });
        await _bus.StartAsync();
    }

    /// <summary>A snapshot as the lifecycle sends it: <paramref name="op"/> running (with <paramref name="step"/>)
    /// or, when <paramref name="outcome"/> is given, ended that way.</summary>
    public static AppStatusChanged Snapshot(string appId, Guid registration, long seq, Guid op, string kind,
        string step = "deploying", string? outcome = null, bool enabled = false, string version = "1.0.0",
        int init = 0, string error = "", bool removed = false, bool ack = false) => new()
    {
        AppId = appId, RegistrationId = registration, Seq = seq, Enabled = enabled, Version = version,
        Status = new AppStatusSnapshot { Deploy = 100, Init = init, Type = outcome is null ? kind : "", Error = error },
        Operation = outcome is null ? new OperationSnapshot(op, kind, step, DateTimeOffset.UtcNow) : null,
        LastOperation = outcome is null ? null : new OperationOutcome(op, kind, outcome, error, DateTimeOffset.UtcNow),
        Removed = removed, AckRequested = ack, At = DateTimeOffset.UtcNow,
    };

    public async Task RegisterManualDaemonAsync(string name)
    {
        using var r = await Http.PostAsJsonAsync("/admin/daemons", new Dictionary<string, object>
        {
            ["name"] = name, ["display_name"] = name, ["accepts_deploy_id"] = "manual-install",
            ["protocol"] = "http", ["host"] = "127.0.0.1", ["nextcloud_url"] = "http://nc.local/",
        });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }

    public Task<HttpResponseMessage> RegisterAsync(string appId, string daemon, string version = "1.0.0",
        Dictionary<string, string>? env = null, object[]? mounts = null) =>
        Http.PostAsJsonAsync("/admin/apps", new Dictionary<string, object?>
        {
            ["appid"] = appId, ["daemon"] = daemon, ["env"] = env, ["mounts"] = mounts,
            ["json_info"] = JsonInfo(appId, version),
        });

    /// <summary>App info with one declared variable, so deploy options have something to keep.</summary>
    public static JsonElement JsonInfo(string appId, string version) => JsonSerializer.SerializeToElement(new Dictionary<string, object>
    {
        ["id"] = appId, ["name"] = appId, ["version"] = version,
        ["environment-variables"] = new[] { new { name = "GREETING", @default = "hi" } },
    });

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var r = await Http.GetAsync(path);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {path}: {(int)r.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var cmd = Db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? default : (T)v;
    }

    public async Task ExecAsync(string sql, params object[] args)
    {
        await using var cmd = Db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Waits for a message the registry publishes; the bound only ends a test that would hang.</summary>
    public static async Task<T> WaitForAsync<T>(ConcurrentQueue<T> queue, Func<T, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var found = queue.FirstOrDefault(match);
            if (found is not null) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No {typeof(T).Name} was published.");
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("Never happened: " + what);
    }

    public virtual async Task DisposeAsync()
    {
        if (_bus is not null) await _bus.StopAsync();
        if (_app is not null) await _app.DisposeAsync();
        await Db.DisposeAsync();
        if (Broker is not null) await Broker.DisposeAsync();
        Http.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryHost>
{
    public const string Name = "registry";
}
