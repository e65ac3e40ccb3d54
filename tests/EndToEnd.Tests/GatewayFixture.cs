using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>The platform plus, for the gateway's tests: a stand-in Nextcloud (Kestrel), a second gateway that
/// forwards to it and throttles after a few failures, and two manual-install ExApps: <see cref="AppId"/> (the
/// test ExApp running as a process, enabled) and <see cref="DisabledAppId"/> (registered, never started, so it
/// stays disabled in its install).</summary>
public sealed class GatewayFixture : PlatformFixture, IAsyncLifetime
{
    public const string Secret = "gw-secret-0123456789abcdef";
    public const string DaemonName = "gw_manual";
    public const int MaxFailures = 4;
    private Process? _exApp;

    private static readonly (string Name, int Port) Own = Named("gw", 18480);
    protected override string Name => Own.Name;
    protected override int BasePort => Own.Port;

    public StandInNextcloud Nextcloud { get; private set; } = null!;
    /// <summary>The gateway with a Nextcloud behind it; the tests talk to this one.</summary>
    public string Url => $"http://127.0.0.1:{BasePort + 10}";
    public string AppId => AppPrefix + "app";
    public string DisabledAppId => AppPrefix + "off";
    public int ExAppPort { get; private set; }

    /// <summary>Receives the four services' traces (the fixture's own install is the first one).</summary>
    public OtlpReceiver Otlp { get; private set; } = null!;
    protected override IReadOnlyDictionary<string, string> ServiceSettings => Otlp.ServiceSettings;

    public new async Task InitializeAsync()
    {
        Otlp = await OtlpReceiver.StartAsync();
        Nextcloud = await StandInNextcloud.StartAsync();
        await base.InitializeAsync();
        await StartExtraAsync("gateway-nc", "gateway", "ExApps.Gateway", BasePort + 10, new()
        {
            ["Gateway__RegistryUrl"] = $"http://127.0.0.1:{BasePort + 1}",
            ["Gateway__NextcloudUrl"] = Nextcloud.Url,
            ["Gateway__NextcloudServiceUser"] = StandInNextcloud.ServiceUser,
            ["Gateway__NextcloudServicePassword"] = StandInNextcloud.ServicePassword,
            ["Gateway__Throttle__MaxFailures"] = MaxFailures.ToString(),
            ["Gateway__Throttle__BaseDelay"] = "00:00:00.020",
            ["Gateway__Throttle__MaxDelay"] = "00:00:00.200",
            ["Gateway__Limits__MaxOcsBodyBytes"] = "65536",
        });
        var daemon = await Cli("daemon:register", DaemonName, "GW Manual", "manual-install", "http", "127.0.0.1", Url);
        if (daemon.ExitCode != 0) throw new InvalidOperationException(daemon.ToString());

        ExAppPort = FreePort();
        _exApp = StartTestExApp(AppId, ExAppPort);
        var reg = await Cli("app:register", AppId, DaemonName, "--json-info", JsonInfo(AppId, ExAppPort), "--wait-finish");
        if (reg.ExitCode != 0) throw new InvalidOperationException(reg + "\n" + Logs());
        var off = await Cli("app:register", DisabledAppId, DaemonName, "--json-info", JsonInfo(DisabledAppId, FreePort()));
        if (off.ExitCode != 0) throw new InvalidOperationException(off.ToString());
    }

    public static string JsonInfo(string appId, int port, string version = "1.0.0") => JsonSerializer.Serialize(new
    {
        id = appId, name = appId, version, secret = Secret, port,
        routes = new object[]
        {
            new { url = "^/public$", verb = "GET", access_level = "PUBLIC" },
            new { url = "^/api/.*", verb = "GET,POST,PUT,DELETE", access_level = "USER", headers_to_exclude = new[] { "X-Drop-Me" } },
            new { url = "^/admin/.*", verb = "GET", access_level = "ADMIN" },
            new { url = "^/ws$", verb = "GET", access_level = "USER" },
            new { url = "^/missing", verb = "GET", access_level = "PUBLIC", bruteforce_protection = new[] { 404 } },
        },
    });

    public Process StartTestExApp(string appId, int port, string version = "1.0.0")
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(TestApps.TestExAppDll);
        psi.Environment["APP_ID"] = appId;
        psi.Environment["APP_SECRET"] = Secret;
        psi.Environment["APP_VERSION"] = version;
        psi.Environment["APP_HOST"] = "127.0.0.1";
        psi.Environment["APP_PORT"] = port.ToString();
        psi.Environment["NEXTCLOUD_URL"] = Url;
        psi.Environment["APP_PERSISTENT_STORAGE"] = Path.GetTempPath();
        var p = Process.Start(psi)!;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public static int FreePort() => ExApps.TestSupport.InfraImages.FreePort();

    public new async Task DisposeAsync()
    {
        await Cli("app:unregister", AppId, "--force", "--silent");
        await Cli("app:unregister", DisabledAppId, "--force", "--silent");
        _exApp?.Kill(entireProcessTree: true);
        _exApp?.Dispose();
        await base.DisposeAsync();
        await Nextcloud.DisposeAsync();
        await Otlp.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gw";
}
