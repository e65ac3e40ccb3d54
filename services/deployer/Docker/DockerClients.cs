using System.Text;
using Docker.DotNet;
using Docker.DotNet.Handler.Abstractions;
using Docker.DotNet.NativeHttp;
using Docker.DotNet.Unix;
using Docker.DotNet.X509;

namespace ExApps.Deployer.Docker;

/// <summary>Builds the Docker.DotNet clients of one engine. Transport choices live here only: the unix socket
/// transport for socket paths, the native (SocketsHttpHandler) transport for http(s) engines (the legacy one cannot
/// hijack streams through a socket proxy), TLS checked by <see cref="DockerTls"/>, the socket proxy's basic auth
/// as an Authorization header.</summary>
public static class DockerClients
{
    /// <param name="apiVersion">null: unversioned paths (<c>/_ping</c>, <c>/version</c>, before negotiation).</param>
    /// <param name="onTlsFailure">Told why an engine's certificate was refused, for the error message.</param>
    public static DockerClient Create(DockerEndpoint endpoint, DockerTls tls, System.Version? apiVersion,
        Action<string>? onTlsFailure = null)
    {
        var builder = new DockerClientBuilder()
            .WithEndpoint(endpoint.BaseAddress)
            .WithApiVersion(apiVersion)
            // Pulls stream for as long as they take; every call carries its own timeout.
            .WithTimeout(Timeout.InfiniteTimeSpan);
        if (endpoint.Password is { } password)
            builder = builder.WithHeader("Authorization", "Basic " +
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DockerEndpoint.HaproxyUser}:{password.Value}")));
        if (endpoint.UnixSocketPath is not null)
            return builder.WithTransportOptions(new UnixSocketTransportOptions()).Build();

        System.Net.Security.RemoteCertificateValidationCallback validate = (_, certificate, chain, errors) =>
        {
            if (tls.Validate(certificate, chain, errors, out var failure)) return true;
            onTlsFailure?.Invoke(failure!);
            return false;
        };
        // The client speaks TLS only when its auth provider says so (it would send plain HTTP to an https engine).
        if (endpoint.IsHttps)
            builder = builder.WithAuthProvider(tls.ClientCertificate is { } certificate
                ? new CertificateCredentials(certificate) { ServerCertificateValidationCallback = validate }
                : TlsWithoutClientCertificate.Instance);
        return builder.WithTransportOptions(new NativeHttpTransportOptions
        {
            ConfigureHandler = handler =>
            {
                handler.ConnectTimeout = TimeSpan.FromSeconds(10);
                // Remote engines may move (DNS).
                handler.PooledConnectionLifetime = TimeSpan.FromMinutes(10);
                if (endpoint.IsHttps) handler.SslOptions.RemoteCertificateValidationCallback = validate;
            },
        }).Build();
    }

    private sealed class TlsWithoutClientCertificate : IAuthProvider
    {
        public static readonly TlsWithoutClientCertificate Instance = new();

        public bool TlsEnabled => true;

        public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler) => handler;
    }
}
