using System.Diagnostics;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>A private CA and the certificates it signs, made with openssl as an operator would: a server
/// certificate for 127.0.0.1/localhost (what HAProxy presents in front of the Docker socket) and a client
/// certificate (for proxies that require one, as Docker's --tlsverify does). A second, unrelated CA signs nothing
/// the proxies use, to prove that trusting the wrong CA is refused.</summary>
public sealed class TlsMaterial : IDisposable
{
    private TlsMaterial(string dir) => Dir = dir;

    public string Dir { get; }
    public string CaCert => Path.Combine(Dir, "ca.pem");
    public string OtherCaCert => Path.Combine(Dir, "other-ca.pem");
    /// <summary>Certificate, then key: the form HAProxy's <c>crt</c> wants.</summary>
    public string ServerPem => Path.Combine(Dir, "server-bundle.pem");
    /// <summary>Signed by the CA, but for engine.example.com only.</summary>
    public string WrongNameServerPem => Path.Combine(Dir, "wrong-name-bundle.pem");
    public string ClientCert => Path.Combine(Dir, "client.pem");
    public string ClientKey => Path.Combine(Dir, "client-key.pem");

    public static async Task<TlsMaterial> CreateAsync()
    {
        var m = new TlsMaterial(Directory.CreateTempSubdirectory("exapps-tls-").FullName);
        await m.CaAsync("ca", "ExApps test engine CA");
        await m.CaAsync("other-ca", "Some other CA");
        await m.SignedAsync("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
        await m.SignedAsync("wrong-name", "engine.example.com",
            "subjectAltName=DNS:engine.example.com\nextendedKeyUsage=serverAuth");
        await m.SignedAsync("client", "deployer", "extendedKeyUsage=clientAuth");
        await m.BundleAsync("server", m.ServerPem);
        await m.BundleAsync("wrong-name", m.WrongNameServerPem);
        return m;
    }

    private async Task BundleAsync(string name, string bundle) =>
        await File.WriteAllTextAsync(bundle, await File.ReadAllTextAsync(Path.Combine(Dir, $"{name}.pem")) +
                                             await File.ReadAllTextAsync(Path.Combine(Dir, $"{name}-key.pem")));

    private Task CaAsync(string name, string subject) => OpenSslAsync("req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-days", "2", "-subj", $"/CN={subject}", "-keyout", $"{name}-key.pem", "-out", $"{name}.pem",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

    private async Task SignedAsync(string name, string commonName, string extensions)
    {
        await OpenSslAsync("req", "-newkey", "rsa:2048", "-nodes", "-subj", $"/CN={commonName}",
            "-keyout", $"{name}-key.pem", "-out", $"{name}.csr");
        await File.WriteAllTextAsync(Path.Combine(Dir, $"{name}.ext"), extensions + "\n");
        await OpenSslAsync("x509", "-req", "-in", $"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
            "-CAcreateserial", "-days", "2", "-extfile", $"{name}.ext", "-out", $"{name}.pem");
    }

    private async Task OpenSslAsync(params string[] args)
    {
        var start = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = Dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed: {await stderr}");
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
