using ExApps.AppReleases;
using ExApps.Contracts;
using ExApps.Registry.AppInfo;
using ExApps.Registry.Apps;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Store;

/// <summary>A store release chosen for an install or update, and the app it belongs to.</summary>
public sealed record StoreChoice(StoreApp App, StoreRelease Release);

/// <summary>Installs and updates from the store take their app info from the release itself, never from the feed:
/// the newest compatible release is chosen, its certificate checked against the platform's CA and CRL, the archive
/// downloaded under limits, its signature verified, and <c>&lt;appid&gt;/appinfo/info.xml</c> read from it without
/// unpacking (no <c>..</c>, absolute paths or escaping links) and validated like any other info.xml. Any failure is
/// a <see cref="StoreException"/> and nothing is stored.</summary>
public sealed class StoreReleases(StoreCatalog catalog, ArchiveDownloader downloader, IOptions<RegistryOptions> options,
    ILogger<StoreReleases> log)
{
    private RegistryOptions Options => options.Value;

    /// <summary>The newest release of <paramref name="appId"/> compatible with the platform's Nextcloud version.</summary>
    public async Task<StoreChoice> NewestAsync(string appId, CancellationToken ct)
    {
        var app = await catalog.AppAsync(appId, ct);
        var release = ReleaseChoice.Newest(app, Options.NextcloudVersion, Options.AppStore)
            ?? throw new StoreException(404, "no_compatible_release",
                $"Failed to get app info for `{appId}` from the app store: {ReleaseChoice.WhyNone(app, Options.NextcloudVersion, Options.AppStore)}.");
        return new StoreChoice(app, release);
    }

    /// <summary>The verified app info of <paramref name="choice"/>.</summary>
    public async Task<AppInfoModel> LoadAsync(StoreChoice choice, CancellationToken ct)
    {
        var (app, release) = choice;
        try
        {
            var info = await VerifiedInfoAsync(app, release, ct);
            log.LogInformation("Release {Version} of {AppId} from the app store verified", release.Version, app.Id);
            return info;
        }
        catch (ReleaseCheckException e)
        {
            log.LogWarning("Release {Version} of {AppId} from the app store refused: {Reason}", release.Version, app.Id, e.Message);
            throw new StoreException(422, "release_refused",
                $"Release {release.Version} of {app.Id} from the app store is refused: {e.Message}");
        }
        catch (StoreConfigurationException e)
        {
            log.LogError(e, "The app store's CA or CRL cannot be used");
            throw new StoreException(503, "app_store_misconfigured",
                $"The platform cannot check app store releases: {e.Message} (Registry:AppStore:Certificates).");
        }
    }

    private async Task<AppInfoModel> VerifiedInfoAsync(StoreApp app, StoreRelease release, CancellationToken ct)
    {
        var store = Options.AppStore;
        var certificates = new CertificateValidator(store.Certificates);
        if (string.IsNullOrWhiteSpace(app.Certificate)) throw new ReleaseCheckException("the app store gives no certificate for it");
        using var certificate = CertificateValidator.Load(app.Certificate);
        certificates.ValidateCertificate(certificate);
        CertificateValidator.ValidateAppId(certificate, app.Id);
        if (string.IsNullOrWhiteSpace(release.Signature)) throw new ReleaseCheckException("the app store gives no signature for it");

        var url = ArchiveDownloader.CheckUrl(release.Download, store.Download.AllowHttp);
        using var archive = await downloader.DownloadAsync(url, ct);
        await using (var data = File.OpenRead(archive.Path))
            CertificateValidator.ValidateSignature(certificate, release.Signature, data);
        var contents = ArchiveInspector.Inspect(archive.Path, $"{app.Id}-{release.Version}.tar.gz", store.Download,
            new Dictionary<string, string>());
        if (contents.AppFolder != app.Id)
            throw new ReleaseCheckException($"the archive holds the app folder {contents.AppFolder}, not {app.Id}");

        AppInfoModel info;
        try
        {
            info = AppInfoLoader.Checked(app.Id, InfoXmlParser.Parse(contents.InfoXml));
        }
        catch (AppInfoException e)
        {
            throw new ReleaseCheckException($"its info.xml: {e.Message}");
        }
        if (!ExAppVersion.AreEqual(info.Version, release.Version))
            throw new ReleaseCheckException($"its info.xml is of version {info.Version}, the app store lists {release.Version}");
        return info;
    }
}
