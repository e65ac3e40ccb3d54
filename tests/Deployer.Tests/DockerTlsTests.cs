using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ExApps.Deployer.Docker;

namespace ExApps.Deployer.Tests;

/// <summary>The certificate decision for https engines, on certificates made here (the handshake itself is
/// proven against HAProxy in the integration tests).</summary>
public sealed class DockerTlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("exapps-tls-").FullName;
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _leaf;

    public DockerTlsTests()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Test Engine CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=engine", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _leaf = leafRequest.Create(_ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), [1, 2, 3]);
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
    }

    private string CaFile => Path.Combine(_dir, "ca.pem");

    [Fact]
    public void A_certificate_the_system_accepts_needs_no_setting()
    {
        Assert.True(DockerTls.None.Validate(_leaf, null, SslPolicyErrors.None, out var failure));
        Assert.Null(failure);
    }

    [Fact]
    public void An_untrusted_certificate_is_refused_with_the_setting_that_would_trust_it()
    {
        Assert.False(DockerTls.None.Validate(_leaf, null, SslPolicyErrors.RemoteCertificateChainErrors, out var failure));
        Assert.Contains("not trusted", failure);
        Assert.Contains("Deployer:TrustedCaFile", failure);
    }

    [Fact]
    public void A_certificate_signed_by_the_trusted_ca_is_accepted()
    {
        var tls = DockerTls.From(new DeployerOptions { TrustedCaFile = CaFile });

        Assert.True(tls.Validate(_leaf, null, SslPolicyErrors.RemoteCertificateChainErrors, out _));
    }

    [Fact]
    public void A_trusted_ca_does_not_excuse_a_certificate_for_another_host()
    {
        var tls = DockerTls.From(new DeployerOptions { TrustedCaFile = CaFile });

        Assert.False(tls.Validate(_leaf, null,
            SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors, out var failure));
        Assert.Contains("host name", failure);
    }

    [Fact]
    public void A_certificate_of_another_ca_is_refused_even_with_a_trusted_ca_file()
    {
        using var otherKey = RSA.Create(2048);
        using var other = new CertificateRequest("CN=engine", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        var tls = DockerTls.From(new DeployerOptions { TrustedCaFile = CaFile });

        Assert.False(tls.Validate(other, null, SslPolicyErrors.RemoteCertificateChainErrors, out var failure));
        Assert.Contains("does not chain to a CA of Deployer:TrustedCaFile", failure);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _leaf.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
