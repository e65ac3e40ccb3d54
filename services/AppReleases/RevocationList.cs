using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ExApps.AppReleases;

/// <summary>An X.509 CRL (PEM or DER): who issued it and which serial numbers it revokes. .NET's chain builder only
/// reads CRLs it downloads or caches itself, so the store reads the configured file directly, as the real store
/// hands its CRL file to OpenSSL.</summary>
public sealed class RevocationList
{
    private readonly byte[] _tbs;
    private readonly byte[] _signature;
    private readonly string _signatureOid;
    private readonly HashSet<string> _serials;

    public X500DistinguishedName Issuer { get; }

    private RevocationList(byte[] tbs, byte[] signature, string signatureOid, X500DistinguishedName issuer, HashSet<string> serials)
    {
        _tbs = tbs; _signature = signature; _signatureOid = signatureOid; Issuer = issuer; _serials = serials;
    }

    public static RevocationList Parse(byte[] data)
    {
        var text = System.Text.Encoding.ASCII.GetString(data);
        if (text.Contains("-----BEGIN X509 CRL-----"))
        {
            var pem = PemEncoding.Find(text);
            data = Convert.FromBase64String(text[pem.Base64Data]);
        }
        var outer = new AsnReader(data, AsnEncodingRules.DER).ReadSequence();
        var tbsRaw = outer.PeekEncodedValue().ToArray();
        var tbs = outer.ReadSequence();
        var algorithm = outer.ReadSequence().ReadObjectIdentifier();
        var signature = outer.ReadBitString(out _);

        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) tbs.ReadInteger();
        tbs.ReadSequence();
        var issuer = new X500DistinguishedName(tbs.ReadEncodedValue().Span);
        tbs.ReadEncodedValue(); // thisUpdate
        if (tbs.HasData && IsTime(tbs.PeekTag())) tbs.ReadEncodedValue(); // nextUpdate
        var serials = new HashSet<string>(StringComparer.Ordinal);
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var revoked = tbs.ReadSequence();
            while (revoked.HasData)
            {
                var entry = revoked.ReadSequence();
                serials.Add(Normalize(Convert.ToHexString(entry.ReadIntegerBytes().Span)));
            }
        }
        return new RevocationList(tbsRaw, signature, algorithm, issuer, serials);
    }

    public bool IsRevoked(X509Certificate2 certificate) => _serials.Contains(Normalize(certificate.SerialNumber));

    /// <summary>Whether <paramref name="ca"/> issued and signed this list.</summary>
    public bool IsSignedBy(X509Certificate2 ca)
    {
        if (!ca.SubjectName.RawData.AsSpan().SequenceEqual(Issuer.RawData)) return false;
        HashAlgorithmName? hash = _signatureOid switch
        {
            "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
            "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
            "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
            "1.2.840.113549.1.1.5" => HashAlgorithmName.SHA1,
            _ => null,
        };
        using var rsa = ca.GetRSAPublicKey();
        return hash is not null && rsa is not null && rsa.VerifyData(_tbs, _signature, hash.Value, RSASignaturePadding.Pkcs1);
    }

    private static bool IsTime(Asn1Tag tag) =>
        tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static string Normalize(string hex)
    {
        var s = hex.ToUpperInvariant();
        while (s.Length > 2 && s.StartsWith("00", StringComparison.Ordinal)) s = s[2..];
        return s;
    }
}
