using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace ExApps.EndToEnd.Tests.Security;

/// <summary>The platform for the hostile-input suite (docs/security.md): the four services plus a second gateway
/// with a low throttle limit and a trusted proxy (<see cref="Url"/>, which the tests attack), a manual-install
/// daemon, and three ExApps: <see cref="AppId"/> and <see cref="LegacyAppId"/> (the test ExApp as processes, which
/// record every request they receive) and <see cref="OtherAppId"/> (registered, never started). Runs under
/// EXAPPS_E2E_NAME / EXAPPS_E2E_PORT (default sec / 19280), so app ids start with "sec-".</summary>
public sealed class SecurityFixture : PlatformFixture, IAsyncLifetime
{
    public const string Secret = "sec-secret-0123456789abcdef0123456789";
    public const string OtherSecret = "sec-other-secret-0123456789abcdef";
    public const string DaemonName = "sec_manual";
    public const int MaxFailures = 5;
    public const string TrustedProxy = "127.0.0.9";

    private readonly List<Process> _exApps = [];

    protected override string Name => Environment.GetEnvironmentVariable("EXAPPS_E2E_NAME") is { Length: > 0 } n ? n : "sec";
    protected override int BasePort => int.TryParse(Environment.GetEnvironmentVariable("EXAPPS_E2E_PORT"), out var p) ? p : 19280;

    /// <summary>The gateway under attack (throttle limit <see cref="MaxFailures"/>, short delays).</summary>
    public string Url => $"http://127.0.0.1:{BasePort + 10}";
    public int GatewayPort => BasePort + 10;
    public string RegistryUrl => $"http://127.0.0.1:{BasePort + 1}";
    public string AppId => AppPrefix + "app";
    public string OtherAppId => AppPrefix + "other";
    public string LegacyAppId => AppPrefix + "legacy";
    public int AppPort { get; private set; }
    public int LegacyPort { get; private set; }
    public string ConnectionString => $"Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database={Database}";
    public HostileLedger Ledger { get; } = new();

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await StartExtraAsync("gateway-sec", "gateway", "ExApps.Gateway", GatewayPort, new()
        {
            ["Gateway__RegistryUrl"] = $"http://127.0.0.1:{BasePort + 1}",
            ["Gateway__Throttle__MaxFailures"] = MaxFailures.ToString(),
            ["Gateway__Throttle__BaseDelay"] = "00:00:00.010",
            ["Gateway__Throttle__MaxDelay"] = "00:00:00.050",
            ["Gateway__AppCacheTtl"] = "00:00:01",
            ["Gateway__TrustedProxies__0"] = TrustedProxy,
        });
        var daemon = await Cli("daemon:register", DaemonName, "Sec Manual", "manual-install", "http", "127.0.0.1", Url);
        if (daemon.ExitCode != 0) throw new InvalidOperationException(daemon.ToString());

        AppPort = GatewayFixture.FreePort();
        _exApps.Add(StartTestExApp(AppId, AppPort));
        await RegisterAsync(AppId, AppPort, Secret, wait: true);
        LegacyPort = GatewayFixture.FreePort();
        _exApps.Add(StartTestExApp(LegacyAppId, LegacyPort));
        await RegisterAsync(LegacyAppId, LegacyPort, Secret, wait: true);
        await RegisterAsync(OtherAppId, GatewayFixture.FreePort(), OtherSecret, wait: false);
    }

    private async Task RegisterAsync(string appId, int port, string secret, bool wait)
    {
        string[] args = ["app:register", appId, DaemonName, "--json-info", JsonInfo(appId, port, secret)];
        var r = await Cli(wait ? [.. args, "--wait-finish"] : args);
        if (r.ExitCode != 0) throw new InvalidOperationException(r + "\n" + Logs());
    }

    /// <summary>Routes: PUBLIC /public, /api/* (the echo), /static/*; ADMIN /admin/*; /missing counts 404s as failures.</summary>
    public static string JsonInfo(string appId, int port, string secret) => JsonSerializer.Serialize(new
    {
        id = appId, name = appId, version = "1.0.0", secret, port,
        routes = new object[]
        {
            new { url = "^/public$", verb = "GET", access_level = "PUBLIC" },
            new { url = "^/api/.*", verb = "GET,POST,PUT,DELETE", access_level = "PUBLIC", headers_to_exclude = new[] { "X-Drop-Me" } },
            new { url = "^/static/.*", verb = "GET", access_level = "PUBLIC" },
            new { url = "^/admin/.*", verb = "GET", access_level = "ADMIN" },
            new { url = "^/missing", verb = "GET", access_level = "PUBLIC", bruteforce_protection = new[] { 404 } },
        },
    });

    private Process StartTestExApp(string appId, int port) => TestApps.StartProcess(appId, Secret, port, Url);

    public HttpRequestMessage Admin(HttpMethod method, string path, string? json = null)
    {
        var req = new HttpRequestMessage(method, $"{GatewayUrl}/{path.TrimStart('/')}");
        req.Headers.Authorization = new("Bearer", AdminToken);
        if (json is not null) req.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return req;
    }

    /// <summary>What an attack could have stored: row counts and every app's id, name and version (status, which
    /// the lifecycle keeps changing, is left out).</summary>
    public async Task<string> FingerprintAsync()
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM registry.daemons)::text || '|' || (SELECT count(*) FROM registry.apps)::text || '|'
              || (SELECT count(*) FROM registry.app_config)::text || '|' || (SELECT count(*) FROM registry.app_preferences)::text || '|'
              || (SELECT count(*) FROM registry.app_registrations)::text || '|'
              || coalesce((SELECT string_agg(appid || ':' || name || ':' || version || ':' || routes::text || ':' || deploy_options::text, ',' ORDER BY appid) FROM registry.apps), '')
              || '|' || coalesce((SELECT string_agg(name || ':' || host || ':' || deploy_config::text, ',' ORDER BY name) FROM registry.daemons), '')
            """, conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task ExecAsync(string sql, params (string Name, object Value)[] args)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] args)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? default : (T)v;
    }

    /// <summary>Every request the test ExApp on <paramref name="port"/> received.</summary>
    public async Task<List<JsonElement>> ReceivedAsync(int port) =>
        (await Http.GetFromJsonAsync<List<JsonElement>>($"http://127.0.0.1:{port}/test/requests"))!;

    /// <summary>The ExApps never received a smuggled request or an injected header: the payloads of this suite
    /// name what they try to smuggle "smuggled" (paths) and X-Injected, X-Smuggled, X-A, X-Pad (headers); headers
    /// a client sends as its own use other names.</summary>
    public async Task AssertNothingInjectedAsync()
    {
        foreach (var port in new[] { AppPort, LegacyPort })
            foreach (var r in await ReceivedAsync(port))
            {
                var path = r.GetProperty("path").GetString()!;
                Assert.DoesNotContain("smuggled", path, StringComparison.OrdinalIgnoreCase);
                foreach (var h in r.GetProperty("headers").EnumerateObject())
                {
                    Assert.False(h.Name is "x-a" or "x-injected" or "x-smuggled" or "x-pad",
                        $"{r.GetProperty("method").GetString()} {path} carried the injected header {h.Name}: {r.GetProperty("headers")}");
                    Assert.DoesNotContain("smuggled", h.Value.GetString()!, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain('\n', h.Value.GetString()!);
                }
                if (r.GetProperty("headers").TryGetProperty("ex-app-version", out var v)) Assert.Equal("1.0.0", v.GetString());
            }
    }

    public new async Task DisposeAsync()
    {
        Ledger.WriteSummary(Path.Combine(RepoPaths.Root, ".local", "test-results", "security-suite.txt"));
        foreach (var id in new[] { AppId, LegacyAppId, OtherAppId }) await Cli("app:unregister", id, "--force", "--silent");
        foreach (var p in _exApps)
        {
            p.Kill(entireProcessTree: true);
            p.Dispose();
        }
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>
{
    public const string Name = "security";
}
