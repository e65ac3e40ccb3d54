using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ExApps.AppStore.Cli;

/// <summary>Certificates for local stores and tests: a CA, app certificates it signs (CN = app id, as the store
/// requires), and CRLs revoking some of them. Nextcloud's own CA issues the certificates of the public store;
/// these are for stores you run yourself.</summary>
public static class DevCertificates
{
    public static X509Certificate2 CreateCa(string commonName, int bits = 4096, int days = 3650)
    {
        using var key = RSA.Create(bits);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Valid from a month back, so that app certificates with a start date in the past can be issued (tests).
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        return request.CreateSelfSigned(start, DateTimeOffset.UtcNow.AddDays(days));
    }

    /// <summary>An app certificate signed by <paramref name="ca"/> (which must hold its private key).</summary>
    public static X509Certificate2 CreateAppCertificate(string appId, X509Certificate2 ca, int bits = 4096, int days = 3650,
        DateTimeOffset? notBefore = null)
    {
        using var key = RSA.Create(bits);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={appId}"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var start = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        if (start < ca.NotBefore) start = ca.NotBefore; // a CA made a moment ago (openssl) starts now
        var end = start.AddDays(days);
        if (end > ca.NotAfter) end = ca.NotAfter;
        using var signed = request.Create(ca, start, end, serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>A CRL of <paramref name="ca"/> revoking the given certificates, as PEM.</summary>
    public static string CreateCrlPem(X509Certificate2 ca, IEnumerable<X509Certificate2> revoked, long number = 1)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var cert in revoked) builder.AddEntry(cert, DateTimeOffset.UtcNow.AddMinutes(-1));
        var der = builder.Build(ca, number, DateTimeOffset.UtcNow.AddDays(30), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return PemEncoding.WriteString("X509 CRL", der) + "\n";
    }

    public static string CertificatePem(X509Certificate2 cert) => cert.ExportCertificatePem() + "\n";

    public static string PrivateKeyPem(X509Certificate2 cert) =>
        (cert.GetRSAPrivateKey() ?? throw new InvalidOperationException("the certificate holds no RSA private key")).ExportPkcs8PrivateKeyPem() + "\n";

    public static X509Certificate2 LoadWithKey(string certPath, string keyPath) =>
        X509Certificate2.CreateFromPemFile(certPath, keyPath);
}
