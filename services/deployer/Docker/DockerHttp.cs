using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace ExApps.Deployer.Docker;

/// <summary>Builds the one <see cref="HttpClient"/> an engine gets. Transport details (unix socket, TLS, proxy
/// credentials) live here only, so new transports change this file and nothing else.</summary>
public static class DockerHttp
{
    public static HttpClient CreateClient(DockerEndpoint endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // Remote engines may move (DNS); a socket does not, but recycling is harmless.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            // https verifies the engine's certificate with the system trust store: nothing to set.
        };
        if (endpoint.UnixSocketPath is { } path)
            handler.ConnectCallback = (_, ct) => ConnectUnixAsync(path, ct);

        var client = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = endpoint.BaseAddress,
            // Pulls stream for as long as they take; every other call carries its own timeout.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (endpoint.Password is { } password)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DockerEndpoint.HaproxyUser}:{password.Value}"));
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
        return client;
    }

    private static async ValueTask<Stream> ConnectUnixAsync(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
