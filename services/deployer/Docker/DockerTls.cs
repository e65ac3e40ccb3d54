using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ExApps.Deployer.Docker;

/// <summary>TLS settings for https engines: the engine's certificate must be valid for its host and chain to the
/// system store or to <see cref="DeployerOptions.TrustedCaFile"/>; a client certificate is presented when
/// configured. Loaded once at start, so a bad file fails the deployer instead of every deploy.</summary>
public sealed class DockerTls
{
    private readonly X509Certificate2Collection? _trustedCas;

    private DockerTls(X509Certificate2Collection? trustedCas, X509Certificate2? clientCertificate)
    {
        _trustedCas = trustedCas;
        ClientCertificate = clientCertificate;
    }

    public static DockerTls None { get; } = new(null, null);

    public X509Certificate2? ClientCertificate { get; }

    public static DockerTls From(DeployerOptions options)
    {
        X509Certificate2Collection? cas = null;
        if (!string.IsNullOrEmpty(options.TrustedCaFile))
        {
            cas = [];
            cas.ImportFromPemFile(options.TrustedCaFile);
            if (cas.Count == 0)
                throw new InvalidOperationException($"Deployer:TrustedCaFile {options.TrustedCaFile} holds no certificate.");
        }
        var client = string.IsNullOrEmpty(options.ClientCertificateFile)
            ? null
            : X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile);
        return new DockerTls(cas, client);
    }

    /// <summary>Checks an engine's certificate. <paramref name="failure"/> says why it was refused, in words an
    /// operator can act on (the TLS stack itself only reports "rejected by the validation callback").</summary>
    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, out string? failure)
    {
        failure = null;
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            failure = "the engine presented no certificate";
            return false;
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            // A trusted CA does not make a certificate issued for another host acceptable.
            failure = "its certificate was not issued for this host name (check the daemon's host and the " +
                      "certificate's subject alternative names)";
            return false;
        }
        if (_trustedCas is null)
        {
            failure = $"its certificate is not trusted ({Describe(chain)}); trust the CA that signed it with " +
                      "the deployer setting Deployer:TrustedCaFile";
            return false;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedCas);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        if (custom.Build(leaf)) return true;
        failure = $"its certificate does not chain to a CA of Deployer:TrustedCaFile ({Describe(custom)})";
        return false;
    }

    private static string Describe(X509Chain? chain)
    {
        var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
        return statuses.Count == 0 ? "untrusted chain" : string.Join(", ", statuses);
    }
}
