using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ExApps.AppStore.Cli;

namespace ExApps.AppStore.IntegrationTests;

/// <summary>An account of the store and what a developer does with it: register apps, publish signed releases.</summary>
public sealed class Developer(StoreHost store, string username, string? token, HttpClient http)
{
    public string Username { get; } = username;
    public string? Token { get; } = token;
    public HttpClient Http { get; } = http;

    public async Task<HttpResponseMessage> RegisterAsync(X509Certificate2 cert, string? signedText = null)
    {
        var appId = cert.GetNameInfo(X509NameType.SimpleName, false);
        var signature = Signing.SignText(signedText ?? appId, DevCertificates.PrivateKeyPem(cert));
        return await Http.PostAsJsonAsync("/api/v1/apps", new { certificate = DevCertificates.CertificatePem(cert), signature });
    }

    /// <summary>Registers a new app with a certificate of the store's CA; returns the certificate (with its key).</summary>
    public async Task<X509Certificate2> NewAppAsync(string? appId = null)
    {
        var cert = store.NewAppCertificate(appId ?? StoreHost.NewAppId());
        using var response = await RegisterAsync(cert);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return cert;
    }

    /// <summary>Serves the archive on the archive server and publishes it, signed with <paramref name="signer"/>'s key
    /// (or over <paramref name="signedBytes"/> instead of the archive).</summary>
    public async Task<HttpResponseMessage> PublishAsync(byte[] archive, X509Certificate2 signer, bool nightly = false,
        string? url = null, byte[]? signedBytes = null, string? version = null)
    {
        var name = $"{Guid.NewGuid():N}.tar.gz";
        var download = url ?? store.Archives.Serve(name, archive);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, signedBytes ?? archive);
            var signature = Signing.SignFile(path, DevCertificates.PrivateKeyPem(signer));
            return await Http.PostAsJsonAsync("/api/v1/apps/releases", new { download, signature, nightly, version });
        }
        finally { File.Delete(path); }
    }

    public static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("detail").GetString()!;
    }
}
