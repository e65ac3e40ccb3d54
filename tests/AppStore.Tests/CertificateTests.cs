using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ExApps.AppStore.Cli;
using ExApps.AppReleases;

namespace ExApps.AppStore.Tests;

/// <summary>One CA (and a foreign one) with app certificates, shared by the certificate tests: RSA keys are slow
/// to make.</summary>
public sealed class CertificateFixture : IDisposable
{
    public X509Certificate2 Ca { get; } = DevCertificates.CreateCa("Test store CA", 2048);
    public X509Certificate2 OtherCa { get; } = DevCertificates.CreateCa("Someone else's CA", 2048);
    public X509Certificate2 App { get; }
    public X509Certificate2 Revoked { get; }
    public X509Certificate2 Foreign { get; }
    public X509Certificate2 Expired { get; }
    public string Dir { get; } = Directory.CreateTempSubdirectory("appstore-certs").FullName;

    public CertificateFixture()
    {
        App = DevCertificates.CreateAppCertificate("test_app", Ca, 2048);
        Revoked = DevCertificates.CreateAppCertificate("test_app", Ca, 2048);
        Foreign = DevCertificates.CreateAppCertificate("test_app", OtherCa, 2048);
        Expired = DevCertificates.CreateAppCertificate("test_app", Ca, 2048, days: 1, notBefore: DateTimeOffset.UtcNow.AddDays(-10));
        File.WriteAllText(Path.Combine(Dir, "ca.crt"), DevCertificates.CertificatePem(Ca));
        File.WriteAllText(Path.Combine(Dir, "crl.pem"), DevCertificates.CreateCrlPem(Ca, [Revoked]));
        File.WriteAllText(Path.Combine(Dir, "foreign-crl.pem"), DevCertificates.CreateCrlPem(OtherCa, [Foreign]));
        File.WriteAllText(Path.Combine(Dir, "app.key"), DevCertificates.PrivateKeyPem(App));
    }

    public CertificateValidator Validator(string crl = "crl.pem") =>
        new(new CertificateOptions { RootCaPath = Path.Combine(Dir, "ca.crt"), CrlPath = Path.Combine(Dir, crl) });

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

public sealed class CertificateTests(CertificateFixture certs) : IClassFixture<CertificateFixture>
{
    private static X509Certificate2 Public(X509Certificate2 c) => X509Certificate2.CreateFromPem(DevCertificates.CertificatePem(c));

    [Fact]
    public void A_certificate_signed_by_the_store_ca_and_not_revoked_is_valid() =>
        certs.Validator().ValidateCertificate(Public(certs.App));

    [Fact]
    public void A_certificate_from_another_ca_is_refused()
    {
        var e = Assert.Throws<ReleaseCheckException>(() => certs.Validator().ValidateCertificate(Public(certs.Foreign)));
        Assert.StartsWith("Certificate is invalid:", e.Message);
        Assert.Contains("Test store CA", e.Message);
    }

    [Fact]
    public void A_revoked_certificate_is_refused()
    {
        var e = Assert.Throws<ReleaseCheckException>(() => certs.Validator().ValidateCertificate(Public(certs.Revoked)));
        Assert.Contains("certificate revoked", e.Message);
    }

    [Fact]
    public void An_expired_certificate_is_refused() =>
        Assert.StartsWith("Certificate is invalid:",
            Assert.Throws<ReleaseCheckException>(() => certs.Validator().ValidateCertificate(Public(certs.Expired))).Message);

    [Fact]
    public void A_crl_not_signed_by_the_store_ca_is_a_configuration_error() =>
        Assert.Throws<StoreConfigurationException>(() => certs.Validator("foreign-crl.pem").ValidateCertificate(Public(certs.App)));

    [Fact]
    public void A_signature_made_with_the_app_key_verifies_and_another_does_not()
    {
        var data = Encoding.UTF8.GetBytes("archive bytes");
        var path = Path.Combine(certs.Dir, "data.bin");
        File.WriteAllBytes(path, data);
        var signature = Signing.SignFile(path, File.ReadAllText(Path.Combine(certs.Dir, "app.key")));
        CertificateValidator.ValidateSignature(Public(certs.App), signature, new MemoryStream(data));
        var e = Assert.Throws<ReleaseCheckException>(() =>
            CertificateValidator.ValidateSignature(Public(certs.Revoked), signature, new MemoryStream(data)));
        Assert.StartsWith("Signature is invalid", e.Message);
        Assert.Contains("not base64", Assert.Throws<ReleaseCheckException>(() =>
            CertificateValidator.ValidateSignature(Public(certs.App), "%%%", new MemoryStream(data))).Message);
    }

    [Fact]
    public void A_signature_made_by_openssl_dgst_verifies()
    {
        var path = Path.Combine(certs.Dir, "openssl.bin");
        File.WriteAllText(path, "signed by openssl");
        var psi = new ProcessStartInfo("sh", ["-c", $"openssl dgst -sha512 -sign '{Path.Combine(certs.Dir, "app.key")}' '{path}' | openssl base64"])
        { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var signature = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        using var data = File.OpenRead(path);
        CertificateValidator.ValidateSignature(Public(certs.App), signature, data);
    }

    [Fact]
    public void The_certificate_cn_must_be_the_app_id()
    {
        CertificateValidator.ValidateAppId(certs.App, "test_app");
        Assert.Equal("App id other_app does not match cert CN test_app",
            Assert.Throws<ReleaseCheckException>(() => CertificateValidator.ValidateAppId(certs.App, "other_app")).Message);
    }

    [Fact]
    public void Text_that_is_no_certificate_is_refused() =>
        Assert.StartsWith("Invalid certificate", Assert.Throws<ReleaseCheckException>(() => CertificateValidator.Load("hello")).Message);
}
