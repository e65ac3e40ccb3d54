using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ExApps.Deployer.Docker;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>A real HAProxy (the OS package) in front of the Docker socket, as AppAPI's socket proxy is: plain or
/// TLS, with or without basic auth (<c>app_api_haproxy_user</c>) and client certificates.</summary>
public sealed class Haproxy : IAsyncDisposable
{
    private readonly string _config;
    private readonly Process _process;

    private Haproxy(string config, Process process, int port)
    {
        _config = config;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <param name="bindOptions">After <c>bind 127.0.0.1:port</c>, e.g. <c>ssl crt server.pem</c>.</param>
    /// <param name="password">Basic auth password of <see cref="DockerEndpoint.HaproxyUser"/>; none when null.</param>
    public static async Task<Haproxy> StartAsync(string bindOptions = "", string? password = null)
    {
        var port = TestSettings.FreePort();
        var config = Path.Combine(Path.GetTempPath(), $"exapps-haproxy-{Guid.NewGuid():N}.cfg");
        var auth = password is null
            ? ""
            : $"""
               userlist docker_users
                   user {DockerEndpoint.HaproxyUser} insecure-password {password}
               """;
        var check = password is null ? "" : "    http-request auth realm docker unless { http_auth(docker_users) }";
        await File.WriteAllTextAsync(config, $"""
            global
                maxconn 256
            defaults
                mode http
                timeout connect 5s
                timeout client 300s
                timeout server 300s
            {auth}
            frontend docker_proxy
                bind 127.0.0.1:{port} {bindOptions}
            {check}
                default_backend docker_engine
            backend docker_engine
                server engine {TestSettings.DockerSocket}

            """);
        var process = Process.Start(new ProcessStartInfo("haproxy", ["-db", "-f", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // hang guard only
        while (!await ListensAsync(port))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"haproxy exited: {await process.StandardError.ReadToEndAsync()}");
            await Task.Delay(100, guard.Token);
        }
        return new Haproxy(config, process, port);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        File.Delete(_config);
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
