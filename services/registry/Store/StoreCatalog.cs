using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Store;

/// <summary>The store's <c>appapi_apps.json</c>, fetched as AppAPI does: kept for <see cref="StoreOptions.CacheTtl"/>,
/// then asked again with <c>If-None-Match</c> (a 304 keeps it), one fetch at a time; after a failure the store is
/// left alone for <see cref="StoreOptions.RetryAfterFailure"/> and the last feed read, if any, is used meanwhile.</summary>
public sealed class StoreCatalog(IHttpClientFactory clients, IOptions<RegistryOptions> options, TimeProvider clock,
    ILogger<StoreCatalog> log)
{
    public const string HttpClientName = "app-store-feed";

    private sealed record Snapshot(IReadOnlyList<StoreApp> Apps, string? ETag, DateTimeOffset CheckedAt);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _current;
    private (DateTimeOffset At, string Reason)? _failure;

    private StoreOptions Store => options.Value.AppStore;

    public async Task<IReadOnlyList<StoreApp>> AppsAsync(CancellationToken ct)
    {
        if (!Store.Configured) throw StoreException.NotConfigured();
        if (Fresh() is { } fresh) return fresh.Apps;
        await _gate.WaitAsync(ct);
        try
        {
            if (Fresh() is { } fetchedMeanwhile) return fetchedMeanwhile.Apps;
            if (_failure is { } f && clock.GetUtcNow() - f.At < Store.RetryAfterFailure)
                return _current?.Apps ?? throw Unavailable(f.Reason, f.At + Store.RetryAfterFailure);
            try
            {
                _current = await FetchAsync(_current, ct);
                _failure = null;
                return _current.Apps;
            }
            catch (StoreFetchFailed e)
            {
                var now = clock.GetUtcNow();
                _failure = (now, e.Message);
                log.LogWarning("Reading the app store feed {Feed} failed: {Reason}", Store.FeedUri, e.Message);
                return _current?.Apps ?? throw Unavailable(e.Message, now + Store.RetryAfterFailure);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One app of the feed; <c>app_not_in_store</c> when the store does not list it.</summary>
    public async Task<StoreApp> AppAsync(string appId, CancellationToken ct) =>
        (await AppsAsync(ct)).FirstOrDefault(a => a.Id == appId)
        ?? throw new StoreException(404, "app_not_in_store",
            $"Failed to get app info for `{appId}` from the app store: {appId} is not in the app store at {Store.FeedUri.GetLeftPart(UriPartial.Authority)}.");

    private Snapshot? Fresh() =>
        _current is { } c && clock.GetUtcNow() - c.CheckedAt < Store.CacheTtl ? c : null;

    private StoreException Unavailable(string reason, DateTimeOffset retryAt) => new(502, "app_store_unavailable",
        $"The app store at {Store.FeedUri} cannot be read: {reason} (asked again after {retryAt:HH:mm:ss} UTC).");

    private async Task<Snapshot> FetchAsync(Snapshot? previous, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Store.FeedTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, Store.FeedUri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (previous?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag)) request.Headers.IfNoneMatch.Add(tag);
        try
        {
            using var response = await clients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotModified && previous is not null)
                return previous with { CheckedAt = clock.GetUtcNow() };
            if (!response.IsSuccessStatusCode)
                throw new StoreFetchFailed($"HTTP {(int)response.StatusCode} ({response.ReasonPhrase})");
            var body = await ReadBoundedAsync(response, timeout.Token);
            var apps = StoreFeed.Parse(body);
            log.LogInformation("App store feed {Feed} read: {Count} apps", Store.FeedUri, apps.Count);
            return new Snapshot(apps, response.Headers.ETag?.ToString(), clock.GetUtcNow());
        }
        catch (HttpRequestException e)
        {
            throw new StoreFetchFailed(e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new StoreFetchFailed($"no answer within {Store.FeedTimeout.TotalSeconds:0} s");
        }
        catch (JsonException e)
        {
            throw new StoreFetchFailed($"the feed is not the store's JSON ({e.Message})");
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var max = Store.MaxFeedBytes;
        if (response.Content.Headers.ContentLength > max) throw TooBig(max);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > max) throw TooBig(max);
            buffer.Write(chunk, 0, n);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static StoreFetchFailed TooBig(long max) => new($"the feed is larger than Registry:AppStore:MaxFeedBytes ({max} bytes)");

    private sealed class StoreFetchFailed(string message) : Exception(message);
}
