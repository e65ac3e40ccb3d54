using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ExApps.Deployer.Docker;

/// <summary>Builds the one <see cref="HttpClient"/> an engine gets. Transport details (unix socket, TLS, proxy
/// credentials) live here only, so new transports change this file and nothing else.</summary>
public static class DockerHttp
{
    /// <param name="onTlsFailure">Told why an engine's certificate was refused, for the error message.</param>
    public static HttpClient CreateClient(DockerEndpoint endpoint, DockerTls tls, Action<string>? onTlsFailure = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // Remote engines may move (DNS); a socket does not, but recycling is harmless.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        };
        if (endpoint.IsHttps)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (tls.Validate(certificate, chain, errors, out var failure)) return true;
                onTlsFailure?.Invoke(failure!);
                return false;
            };
            if (tls.ClientCertificate is { } certificate)
                handler.SslOptions.ClientCertificates = new X509CertificateCollection { certificate };
        }
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
