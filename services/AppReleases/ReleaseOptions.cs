namespace ExApps.AppReleases;

/// <summary>Limits of a release download and of reading the archive, named after the real store's Django settings
/// (MAX_DOWNLOAD_*, RELEASE_DOWNLOAD_ROOT). The store reads them from <c>AppStore:Download</c>, the registry from
/// <c>Registry:AppStore:Download</c>.</summary>
public sealed class DownloadOptions
{
    /// <summary>Largest file read out of an archive (info.xml, CHANGELOG.md), bytes (MAX_DOWNLOAD_FILE_SIZE).</summary>
    public long MaxDownloadFileSize { get; set; } = 1024 * 1024;
    /// <summary>Seconds a release download may take in all (MAX_DOWNLOAD_TIMEOUT).</summary>
    public int MaxDownloadTimeout { get; set; } = 60;
    /// <summary>Redirects followed (MAX_DOWNLOAD_REDIRECTS).</summary>
    public int MaxDownloadRedirects { get; set; } = 10;
    /// <summary>Largest release archive, bytes (MAX_DOWNLOAD_SIZE).</summary>
    public long MaxDownloadSize { get; set; } = 20 * 1024 * 1024;
    /// <summary>Largest total of the archive's unpacked entries, bytes: a small archive must not unpack into
    /// gigabytes while it is read.</summary>
    public long MaxUncompressedSize { get; set; } = 200L * 1024 * 1024;
    /// <summary>Folder for downloads in progress (RELEASE_DOWNLOAD_ROOT); the system's temp folder by default.</summary>
    public string? ReleaseDownloadRoot { get; set; }
    /// <summary>The real store takes only https download links; local stores and tests may allow http.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>What is wrong with these settings (empty when nothing), each naming the setting under
    /// <paramref name="section"/>.</summary>
    public IEnumerable<string> Problems(string section)
    {
        if (MaxDownloadSize <= 0 || MaxDownloadFileSize <= 0 || MaxUncompressedSize <= 0)
            yield return $"{section} sizes must be positive.";
        if (MaxDownloadTimeout <= 0) yield return $"{section}:MaxDownloadTimeout must be positive (seconds).";
        if (MaxDownloadRedirects < 0) yield return $"{section}:MaxDownloadRedirects must not be negative.";
    }
}

/// <summary>Whom app certificates must be issued by, and which are revoked.</summary>
public sealed class CertificateOptions
{
    /// <summary>PEM file of the CA (and intermediates) that app certificates must chain to
    /// (NEXTCLOUD_CERTIFICATE_LOCATION).</summary>
    public string? RootCaPath { get; set; }
    /// <summary>PEM CRL of revoked app certificates, signed by that CA (NEXTCLOUD_CRL_LOCATION). Optional.</summary>
    public string? CrlPath { get; set; }
    /// <summary>VALIDATE_CERTIFICATES: off only for a development store; signatures are then not checked either.</summary>
    public bool ValidateCertificates { get; set; } = true;

    /// <summary>What is wrong with these settings (empty when nothing): the CA file is required and, like the CRL
    /// when one is named, must exist.</summary>
    public IEnumerable<string> Problems(string section)
    {
        if (string.IsNullOrWhiteSpace(RootCaPath))
            yield return $"{section}:RootCaPath is required (the CA that signs app certificates).";
        else if (!File.Exists(RootCaPath))
            yield return $"{section}:RootCaPath '{RootCaPath}' does not exist.";
        if (!string.IsNullOrWhiteSpace(CrlPath) && !File.Exists(CrlPath))
            yield return $"{section}:CrlPath '{CrlPath}' does not exist.";
    }
}
