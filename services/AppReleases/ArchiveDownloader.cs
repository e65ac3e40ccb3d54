using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ExApps.AppReleases;

/// <summary>A downloaded release archive in a temporary file, deleted on dispose.</summary>
public sealed class DownloadedArchive(string path) : IDisposable
{
    public string Path { get; } = path;
    public void Dispose() { try { File.Delete(Path); } catch (IOException) { } }
}

/// <summary>Downloads a release archive under <see cref="DownloadOptions"/>: https only (unless allowed), at most
/// MaxDownloadRedirects redirects, MaxDownloadTimeout seconds in all and MaxDownloadSize bytes.</summary>
public sealed class ArchiveDownloader(IHttpClientFactory clients, DownloadOptions limits)
{
    public const string ClientName = "release-downloads";

    /// <summary>Registers the download client (redirects as <paramref name="limits"/> allow, no transparent
    /// decompression: the size limit counts the bytes on the wire, which are what is signed) and the downloader.</summary>
    public static IServiceCollection AddArchiveDownloads(IServiceCollection services, Func<IServiceProvider, DownloadOptions> limits)
    {
        services.AddHttpClient(ClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var handler = new SocketsHttpHandler();
            ConfigureHandler(handler, limits(sp));
            return handler;
        });
        return services.AddSingleton(sp => new ArchiveDownloader(sp.GetRequiredService<IHttpClientFactory>(), limits(sp)));
    }

    private static void ConfigureHandler(SocketsHttpHandler handler, DownloadOptions download)
    {
        handler.AllowAutoRedirect = download.MaxDownloadRedirects > 0;
        if (download.MaxDownloadRedirects > 0) handler.MaxAutomaticRedirections = download.MaxDownloadRedirects;
        handler.AutomaticDecompression = DecompressionMethods.None;
    }

    public static Uri CheckUrl(string? url, bool allowHttp)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new ReleaseCheckException("download: Enter a valid URL.");
        if (uri.Scheme != Uri.UriSchemeHttps && !(allowHttp && uri.Scheme == Uri.UriSchemeHttp))
            throw new ReleaseCheckException($"download: {url} must be an https link (http is not allowed).");
        return uri;
    }

    public async Task<DownloadedArchive> DownloadAsync(Uri url, CancellationToken ct)
    {
        var name = url.Segments.LastOrDefault() is { Length: > 0 } last && last != "/" ? last : url.Host;
        var folder = limits.ReleaseDownloadRoot is { Length: > 0 } root ? root : System.IO.Path.GetTempPath();
        Directory.CreateDirectory(folder);
        var archive = new DownloadedArchive(System.IO.Path.Combine(folder, $"release-{Guid.NewGuid():N}.tar.gz"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(limits.MaxDownloadTimeout));
        try
        {
            var http = clients.CreateClient(ClientName);
            http.Timeout = Timeout.InfiniteTimeSpan;
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
                throw new ReleaseCheckException($"Downloading {name} stopped at a redirect (HTTP {status}): more than " +
                    $"{limits.MaxDownloadRedirects} redirects, or a redirect to a non-https address.");
            if (!response.IsSuccessStatusCode)
                throw new ReleaseCheckException($"Downloading {name} failed: HTTP {status} ({response.ReasonPhrase}).");
            if (response.Content.Headers.ContentLength > limits.MaxDownloadSize) throw TooBig(limits.MaxDownloadSize);
            await using var source = await response.Content.ReadAsStreamAsync(timeout.Token);
            await using var target = new FileStream(archive.Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, true);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, timeout.Token)) > 0)
            {
                total += read;
                if (total > limits.MaxDownloadSize) throw TooBig(limits.MaxDownloadSize);
                await target.WriteAsync(buffer.AsMemory(0, read), timeout.Token);
            }
            return archive;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            archive.Dispose();
            throw new ReleaseCheckException($"Downloading {name} took longer than the allowed {limits.MaxDownloadTimeout} seconds.");
        }
        catch (HttpRequestException e)
        {
            archive.Dispose();
            throw new ReleaseCheckException($"Downloading {name} failed: {e.Message}");
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    private static ReleaseCheckException TooBig(long max) =>
        new($"Downloaded archive is bigger than the allowed {max} bytes");
}
