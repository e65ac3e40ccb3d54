using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ExApps.AppReleases;

/// <summary>The real store's certificate checks, which the platform makes again before it installs a release: an app
/// certificate chains to the configured CA, is within its validity and not revoked by the configured CRL, its CN is
/// the app id, and signatures (base64 RSA PKCS#1 SHA-512, what <c>openssl dgst -sha512 -sign</c> writes) verify
/// with its key. The CA and CRL files are read at each check, so a new CRL takes effect without a restart.</summary>
public sealed class CertificateValidator(CertificateOptions options)
{
    public bool Enabled => options.ValidateCertificates;

    public static X509Certificate2 Load(string pem)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem.Trim());
        }
        catch (CryptographicException e)
        {
            throw new ReleaseCheckException($"Invalid certificate: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new ReleaseCheckException($"Invalid certificate: {e.Message}");
        }
    }

    public static string CommonName(X509Certificate2 certificate) =>
        certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    public void ValidateCertificate(X509Certificate2 certificate)
    {
        var (roots, intermediates) = LoadAuthorities();
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(certificate))
        {
            var reasons = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
            throw new ReleaseCheckException($"Certificate is invalid: {string.Join("; ", reasons)} " +
                $"(it must be issued by the trusted CA '{roots.FirstOrDefault()?.Subject}')");
        }
        var crl = LoadCrl(roots.Concat(intermediates));
        if (crl is not null && crl.Issuer.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData) && crl.IsRevoked(certificate))
            throw new ReleaseCheckException($"Certificate is invalid: certificate revoked (serial {certificate.SerialNumber})");
    }

    public static void ValidateSignature(X509Certificate2 certificate, string signature, Stream data)
    {
        byte[] bytes;
        try { bytes = Convert.FromBase64String(signature.Trim()); }
        catch (FormatException) { throw new ReleaseCheckException("Signature is invalid: it is not base64"); }
        using var rsa = certificate.GetRSAPublicKey()
            ?? throw new ReleaseCheckException("Signature is invalid: the certificate has no RSA key");
        if (!rsa.VerifyData(data, bytes, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1))
            throw new ReleaseCheckException("Signature is invalid: it does not match the data and the app's certificate " +
                "(sign with: openssl dgst -sha512 -sign APP_ID.key FILE | openssl base64)");
    }

    public static void ValidateAppId(X509Certificate2 certificate, string appId)
    {
        var cn = CommonName(certificate);
        if (cn != appId) throw new ReleaseCheckException($"App id {appId} does not match cert CN {cn}");
    }

    private (X509Certificate2Collection Roots, X509Certificate2Collection Intermediates) LoadAuthorities()
    {
        var all = new X509Certificate2Collection();
        try { all.ImportFromPemFile(options.RootCaPath!); }
        catch (Exception e) when (e is CryptographicException or IOException)
        {
            throw new StoreConfigurationException($"The CA file cannot be read: {e.Message}", e);
        }
        if (all.Count == 0) throw new StoreConfigurationException("The CA file holds no certificate.");
        var roots = new X509Certificate2Collection();
        var intermediates = new X509Certificate2Collection();
        foreach (var c in all) (c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) ? roots : intermediates).Add(c);
        return (roots, intermediates);
    }

    private RevocationList? LoadCrl(IEnumerable<X509Certificate2> authorities)
    {
        var path = options.CrlPath;
        if (string.IsNullOrWhiteSpace(path)) return null;
        RevocationList crl;
        try { crl = RevocationList.Parse(File.ReadAllBytes(path)); }
        catch (Exception e) when (e is IOException or System.Formats.Asn1.AsnContentException or FormatException or CryptographicException)
        {
            throw new StoreConfigurationException($"The CRL cannot be read: {e.Message}", e);
        }
        if (!authorities.Any(crl.IsSignedBy))
            throw new StoreConfigurationException("The CRL is not signed by its CA.");
        return crl;
    }
}
