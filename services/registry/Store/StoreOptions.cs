using ExApps.AppReleases;
using ExApps.Contracts;

namespace ExApps.Registry.Store;

/// <summary>Section <c>Registry:AppStore</c>: the app store the platform installs and updates ExApps from (AppAPI's
/// <c>appstoreurl</c>), what it trusts, and the limits of a release download. Empty <see cref="Url"/>: no store, and
/// installs need an info.xml or JSON info.</summary>
public sealed class StoreOptions
{
    /// <summary>The store's address, e.g. <c>https://apps.example.com</c>; a URL ending in <c>/api/v1</c> (Nextcloud's
    /// <c>appstoreurl</c> form) works too. The feed read is <c>/api/v1/appapi_apps.json</c> below it.</summary>
    public string Url { get; set; } = "";

    /// <summary>Nextcloud's update channel: <c>stable</c> skips nightlies and pre-releases, <c>beta</c> takes
    /// pre-releases, <c>daily</c> also nightlies.</summary>
    public string Channel { get; set; } = "stable";

    /// <summary>AppAPI checks only a release's minimum Nextcloud version (ExApps run in containers of their own);
    /// false checks the maximum too.</summary>
    public bool IgnoreMaxVersion { get; set; } = true;

    /// <summary>How long a fetched feed is used before it is asked for again (with If-None-Match), AppAPI's 3600 s.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>After a failed fetch the store is not asked again for this long (AppAPI's 300 s); the last feed read,
    /// if any, is used meanwhile.</summary>
    public TimeSpan RetryAfterFailure { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The whole feed request, AppAPI's 60 s.</summary>
    public TimeSpan FeedTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest feed read (after gzip): the public store's is well under 2 MiB.</summary>
    public long MaxFeedBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Limits of a release archive download and of reading it (the store's own names and defaults).</summary>
    public DownloadOptions Download { get; set; } = new();

    /// <summary>The CA app certificates must chain to (for the public store: Nextcloud's code signing root.crt) and
    /// its CRL (root.crl). Required when <see cref="Url"/> is set: the platform installs only verified releases.</summary>
    public CertificateOptions Certificates { get; set; } = new();

    public bool Configured => !string.IsNullOrWhiteSpace(Url);

    /// <summary>The feed's address.</summary>
    public Uri FeedUri
    {
        get
        {
            var baseUrl = Url.Trim().TrimEnd('/');
            if (!baseUrl.EndsWith("/api/v1", StringComparison.Ordinal)) baseUrl += "/api/v1";
            return new Uri(baseUrl + "/appapi_apps.json");
        }
    }

    public bool AllowsPreReleases => Channel is "beta" or "daily";
    public bool AllowsNightlies => Channel is "daily";

    /// <summary>What is wrong with these settings and <paramref name="nextcloudVersion"/> (empty when nothing).</summary>
    public IEnumerable<string> Problems(string nextcloudVersion)
    {
        const string section = "Registry:AppStore";
        if (!PlatformVersionSpec.IsServerVersion(nextcloudVersion))
            yield return $"Registry:NextcloudVersion '{nextcloudVersion}' must be a version such as {AppApiProtocol.NextcloudVersion}.";
        if (Channel is not ("stable" or "beta" or "daily"))
            yield return $"{section}:Channel '{Channel}' must be stable, beta or daily.";
        if (CacheTtl < TimeSpan.Zero || RetryAfterFailure < TimeSpan.Zero || FeedTimeout <= TimeSpan.Zero)
            yield return $"{section}: CacheTtl and RetryAfterFailure must not be negative, FeedTimeout must be positive.";
        if (MaxFeedBytes is <= 0 or > 1L << 30)
            yield return $"{section}:MaxFeedBytes must be between 1 and {1L << 30}.";
        foreach (var problem in Download.Problems($"{section}:Download")) yield return problem;
        if (!Configured) yield break;
        if (!Uri.TryCreate(Url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return $"{section}:Url '{Url}' must be an http(s) URL such as https://apps.example.com.";
        if (!Certificates.ValidateCertificates)
            yield return $"{section}:Certificates:ValidateCertificates cannot be turned off: the platform installs only verified releases.";
        foreach (var problem in Certificates.Problems($"{section}:Certificates")) yield return problem;
    }
}
