using System.ComponentModel.DataAnnotations;
using ExApps.AppStore.Accounts;

namespace ExApps.AppStore;

/// <summary>The store's settings (section <c>AppStore</c>), named after the real store's Django settings where one
/// exists (MAX_DOWNLOAD_*, RELEASE_DOWNLOAD_ROOT, ARCHIVE_FOLDER_BLACKLIST, throttle rates).</summary>
public sealed class AppStoreOptions : IValidatableObject
{
    public const string Section = "AppStore";

    /// <summary>Keys the API tokens (a token is derived from it, only its hash is stored): changing it invalidates
    /// every token. At least 32 characters.</summary>
    [Required, MinLength(32)]
    public string SecretKey { get; set; } = "";

    /// <summary>A file the store also writes its log to (the container's <c>logs/</c> folder), at
    /// <see cref="LogLevel"/> and above.</summary>
    public string? LogFile { get; set; }
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>Where the bundled static files are copied at start, for the web server in front to serve.</summary>
    public string? StaticRoot { get; set; }

    public ThrottleOptions Throttle { get; set; } = new();
    public DownloadOptions Download { get; set; } = new();
    public CertificateOptions Certificates { get; set; } = new();

    /// <summary>Directories refused in release archives, by rule name (the real store's ARCHIVE_FOLDER_BLACKLIST).</summary>
    public Dictionary<string, string> ArchiveFolderBlacklist { get; set; } = new() { ["No .git directories"] = @"\.git$" };

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var (name, rate) in new[] { ("AppUpload", Throttle.AppUpload), ("AppRegister", Throttle.AppRegister) })
            if (!ThrottleRate.TryParse(rate, out _))
                yield return new($"AppStore:Throttle:{name} '{rate}' is not a rate such as 100/day (per second, minute, hour or day).");
        if (Download.MaxDownloadSize <= 0 || Download.MaxDownloadFileSize <= 0 || Download.MaxUncompressedSize <= 0)
            yield return new("AppStore:Download sizes must be positive.");
        if (Download.MaxDownloadTimeout <= 0) yield return new("AppStore:Download:MaxDownloadTimeout must be positive (seconds).");
        if (Download.MaxDownloadRedirects < 0) yield return new("AppStore:Download:MaxDownloadRedirects must not be negative.");
        if (Certificates.ValidateCertificates)
        {
            if (string.IsNullOrWhiteSpace(Certificates.RootCaPath))
                yield return new("AppStore:Certificates:RootCaPath is required (the CA that signs app certificates).");
            else if (!File.Exists(Certificates.RootCaPath))
                yield return new($"AppStore:Certificates:RootCaPath '{Certificates.RootCaPath}' does not exist.");
            if (!string.IsNullOrWhiteSpace(Certificates.CrlPath) && !File.Exists(Certificates.CrlPath))
                yield return new($"AppStore:Certificates:CrlPath '{Certificates.CrlPath}' does not exist.");
        }
        foreach (var (rule, pattern) in ArchiveFolderBlacklist)
        {
            string? error = null;
            try { _ = new System.Text.RegularExpressions.Regex(pattern); }
            catch (ArgumentException e) { error = e.Message; }
            if (error is not null) yield return new($"AppStore:ArchiveFolderBlacklist rule '{rule}': {error}");
        }
    }
}

/// <summary>Per-account rates of the POST routes, as the real store's DEFAULT_THROTTLE_RATES.</summary>
public sealed class ThrottleOptions
{
    public string AppUpload { get; set; } = "100/day";
    public string AppRegister { get; set; } = "100/day";
}

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
    /// gigabytes while the store reads it.</summary>
    public long MaxUncompressedSize { get; set; } = 200L * 1024 * 1024;
    /// <summary>Folder for downloads in progress (RELEASE_DOWNLOAD_ROOT); the system's temp folder by default.</summary>
    public string? ReleaseDownloadRoot { get; set; }
    /// <summary>The real store takes only https download links; local stores and tests may allow http.</summary>
    public bool AllowHttp { get; set; }
}

public sealed class CertificateOptions
{
    /// <summary>PEM file of the CA (and intermediates) that app certificates must chain to
    /// (NEXTCLOUD_CERTIFICATE_LOCATION).</summary>
    public string? RootCaPath { get; set; }
    /// <summary>PEM CRL of revoked app certificates, signed by that CA (NEXTCLOUD_CRL_LOCATION). Optional.</summary>
    public string? CrlPath { get; set; }
    /// <summary>VALIDATE_CERTIFICATES: off only for development; signatures are then not checked either.</summary>
    public bool ValidateCertificates { get; set; } = true;
}
