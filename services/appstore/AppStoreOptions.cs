using System.ComponentModel.DataAnnotations;
using ExApps.AppReleases;
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
        foreach (var problem in Download.Problems("AppStore:Download")) yield return new(problem);
        if (Certificates.ValidateCertificates)
            foreach (var problem in Certificates.Problems("AppStore:Certificates")) yield return new(problem);
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

/// <summary>Checks the attributes above (and <c>IValidatableObject</c>, where implemented) with code the options source
/// generator writes: ServiceDefaults/OptionsValidation.cs.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
public sealed partial class AppStoreOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<AppStoreOptions> { }
