using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ExApps.Contracts;
using ExApps.Deployer.Docker;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>Basic auth through a real HAProxy in front of the Docker socket, configured the way AppAPI's socket
/// proxy is (user <c>app_api_haproxy_user</c>).</summary>
[Collection(DockerCollection.Name)]
public sealed class HaproxyAuthTests : IAsyncLifetime
{
    private const string Password = "proxy-pass-7f3a";
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"exapps-haproxy-{Guid.NewGuid():N}.cfg");
    private Process? _haproxy;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = FreePort();
        await File.WriteAllTextAsync(_config, $"""
            global
                maxconn 64
            defaults
                mode http
                timeout connect 5s
                timeout client 60s
                timeout server 60s
            userlist docker_users
                user {DockerEndpoint.HaproxyUser} insecure-password {Password}
            frontend docker_proxy
                bind 127.0.0.1:{_port}
                http-request auth realm docker unless {"{"} http_auth(docker_users) {"}"}
                default_backend docker_engine
            backend docker_engine
                server engine {TestSettings.DockerSocket}

            """);
        _haproxy = Process.Start(new ProcessStartInfo("haproxy", ["-db", "-f", _config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // hang guard only
        while (!await ListensAsync(_port)) await Task.Delay(100, guard.Token);
    }

    public async Task DisposeAsync()
    {
        if (_haproxy is { HasExited: false })
        {
            _haproxy.Kill();
            await _haproxy.WaitForExitAsync();
        }
        _haproxy?.Dispose();
        File.Delete(_config);
    }

    [Fact]
    public async Task The_right_password_reaches_the_engine_through_the_proxy()
    {
        using var engine = Engine(new Secret(Password));

        await engine.PingAsync();

        Assert.Equal(await DockerCli.RunAsync("version", "--format", "{{.Server.APIVersion}}"),
            (await engine.GetVersionAsync()).ApiVersion);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_as_refused_credentials_without_either_password()
    {
        using var engine = Engine(new Secret("wrong-pass-91b2"));

        var e = await Assert.ThrowsAsync<DockerEngineException>(() => engine.PingAsync());

        Assert.Equal(DockerErrorKind.Unauthorized, e.Kind);
        Assert.Equal(401, e.StatusCode);
        Assert.Contains($"http://127.0.0.1:{_port}", e.Message);
        Assert.DoesNotContain("wrong-pass-91b2", e.ToString());
        Assert.DoesNotContain(Password, e.ToString());
    }

    private DockerEngine Engine(Secret password) =>
        new(DockerEndpoint.From(new DaemonTarget("proxy", AppApiProtocol.DockerInstall, "http", $"127.0.0.1:{_port}",
            "host", "cpu", password, [], new Dictionary<string, string>(), null)), "1.44", TimeSpan.FromMinutes(1));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> ListensAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
