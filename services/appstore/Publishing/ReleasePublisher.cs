using System.Text;
using ExApps.AppReleases;
using ExApps.AppStore.Releases;
using Microsoft.Extensions.Options;

namespace ExApps.AppStore.Publishing;

public sealed record PublishRequest(string? Download, string? Signature, bool Nightly, string? AppId, string? Version);

/// <summary>Registration and release publishing, in the real store's order: download, read and validate the
/// archive, then the app's owner, certificate, signature and CN; only a release that passed every check is stored.</summary>
public sealed class ReleasePublisher(ArchiveDownloader downloader, CertificateValidator certificates,
    AppRepository apps, IOptions<AppStoreOptions> options, ILogger<ReleasePublisher> logger)
{
    public async Task<int> RegisterAsync(long accountId, string? certificatePem, string? signature, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(certificatePem)) throw new ReleaseCheckException("certificate: This field is required.");
        if (string.IsNullOrWhiteSpace(signature)) throw new ReleaseCheckException("signature: This field is required.");
        using var cert = CertificateValidator.Load(certificatePem);
        var appId = CertificateValidator.CommonName(cert);
        if (!ArchiveInspector.AppIdPattern().IsMatch(appId))
            throw new ReleaseCheckException($"App id {appId} (the certificate's CN) contains invalid characters: it must start with a lowercase ASCII letter and contain only lowercase ASCII letters, digits, underscores or hyphens");
        if (certificates.Enabled)
        {
            certificates.ValidateCertificate(cert);
            using var data = new MemoryStream(Encoding.UTF8.GetBytes(appId));
            CertificateValidator.ValidateSignature(cert, signature, data);
        }
        var status = await apps.RegisterAsync(appId, accountId, certificatePem.Trim(), ct);
        logger.LogInformation("App {AppId} {Action} by account {AccountId}", appId,
            status == StatusCodes.Status201Created ? "registered" : "certificate updated", accountId);
        return status;
    }

    public async Task<int> PublishAsync(long accountId, PublishRequest request, CancellationToken ct)
    {
        var limits = options.Value.Download;
        var url = ArchiveDownloader.CheckUrl(request.Download, limits.AllowHttp);
        if (string.IsNullOrWhiteSpace(request.Signature)) throw new ReleaseCheckException("signature: This field is required.");

        using var archive = await downloader.DownloadAsync(url, ct);
        var name = url.Segments.LastOrDefault() ?? url.Host;
        var contents = ArchiveInspector.Inspect(archive.Path, name, limits, options.Value.ArchiveFolderBlacklist);
        var info = InfoXmlParser.Parse(contents.InfoXml);
        if (contents.AppFolder != info.Id)
            throw new ReleaseCheckException($"Archive app folder is {contents.AppFolder} but info.xml reports id {info.Id}");
        if (request.AppId is { Length: > 0 } expectedId && expectedId != info.Id)
            throw new ReleaseCheckException($"The archive holds app {info.Id}, not {expectedId}");
        if (request.Version is { Length: > 0 } expectedVersion && expectedVersion != info.Version)
            throw new ReleaseCheckException($"The archive holds version {info.Version} of {info.Id}, not {expectedVersion}");

        var app = await apps.FindAsync(info.Id, ct)
            ?? throw new ReleaseCheckException($"App {info.Id} does not exist, you need to register it first");
        if (app.OwnerId != accountId) throw new ForbiddenException($"Only the owner of app {info.Id} may publish its releases");
        if (certificates.Enabled)
        {
            using var cert = CertificateValidator.Load(app.Certificate);
            certificates.ValidateCertificate(cert);
            await using (var data = File.OpenRead(archive.Path))
                CertificateValidator.ValidateSignature(cert, request.Signature, data);
            CertificateValidator.ValidateAppId(cert, info.Id);
        }

        var changelogs = contents.Changelogs.ToDictionary(c => c.Key,
            c => ChangelogParser.ForVersion(c.Value, info.Version, request.Nightly));
        changelogs.TryAdd("en", "");
        var status = await apps.SaveReleaseAsync(info, accountId, url.ToString(), request.Signature, request.Nightly, changelogs, ct);
        logger.LogInformation("Release {AppId} {Version}{Nightly} {Action} by account {AccountId}", info.Id, info.Version,
            request.Nightly ? " (nightly)" : "", status == StatusCodes.Status201Created ? "created" : "updated", accountId);
        return status;
    }
}
