using System.Text;
using ExApps.Registry.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Tests;

/// <summary>How the registry reads the store's feed, as AppAPI does: kept for the cache time, then asked again
/// with If-None-Match; left alone for a while after a failure (the last feed serves meanwhile); one fetch at a time.
/// A local HTTP server plays the store's feed route and counts what it is asked.</summary>
public sealed class StoreCatalogTests : IAsyncLifetime
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class Clients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    private WebApplication _server = null!;
    private string _url = "";
    private readonly Clock _clock = new();
    private readonly List<string?> _asked = []; // the If-None-Match of each request
    private string _etag = "\"v1\"";
    private string _body = Feed("hello");
    private int _status = 200;
    private TaskCompletionSource? _hold;

    private static string Feed(params string[] ids) =>
        "[" + string.Join(",", ids.Select(id => $$"""{"id":"{{id}}","releases":[]}""")) + "]";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapGet("/api/v1/appapi_apps.json", async (HttpContext http) =>
        {
            string? ifNoneMatch = http.Request.Headers.IfNoneMatch.Count > 0 ? http.Request.Headers.IfNoneMatch.ToString() : null;
            lock (_asked) _asked.Add(ifNoneMatch);
            if (_hold is { } hold) await hold.Task;
            if (_status != 200) return Results.StatusCode(_status);
            http.Response.Headers.ETag = _etag;
            return ifNoneMatch == _etag ? Results.StatusCode(304) : Results.Text(_body, "application/json", Encoding.UTF8);
        });
        await _server.StartAsync();
        _url = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private StoreCatalog Catalog(Action<StoreOptions>? configure = null)
    {
        var options = new RegistryOptions { AppStore = new StoreOptions { Url = _url } };
        configure?.Invoke(options.AppStore);
        return new StoreCatalog(new Clients(), Options.Create(options), _clock, NullLogger<StoreCatalog>.Instance);
    }

    private static async Task<List<string>> Ids(StoreCatalog catalog) => (await catalog.AppsAsync(default)).Select(a => a.Id).ToList();

    [Fact]
    public async Task The_feed_is_kept_for_the_cache_time_then_asked_again_with_its_etag()
    {
        var catalog = Catalog();

        Assert.Equal(["hello"], await Ids(catalog));
        _clock.Now += TimeSpan.FromMinutes(59);
        Assert.Equal(["hello"], await Ids(catalog));
        Assert.Equal([null], _asked); // within the hour: not asked again

        _clock.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(["hello"], await Ids(catalog)); // 304: the kept feed
        Assert.Equal([null, "\"v1\""], _asked);

        (_etag, _body) = ("\"v2\"", Feed("hello", "world"));
        _clock.Now += TimeSpan.FromHours(1);
        Assert.Equal(["hello", "world"], await Ids(catalog));
        Assert.Equal([null, "\"v1\"", "\"v1\""], _asked);
    }

    [Fact]
    public async Task After_a_failure_the_store_is_left_alone_and_the_last_feed_serves()
    {
        var catalog = Catalog();
        await Ids(catalog);
        _status = 500;
        _clock.Now += TimeSpan.FromHours(2);

        Assert.Equal(["hello"], await Ids(catalog)); // failed: the last feed
        _clock.Now += TimeSpan.FromMinutes(4);
        Assert.Equal(["hello"], await Ids(catalog));
        Assert.Equal(2, _asked.Count); // not asked within 300 s of the failure

        _status = 200;
        (_etag, _body) = ("\"v2\"", Feed("world"));
        _clock.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(["world"], await Ids(catalog));
        Assert.Equal(3, _asked.Count);
    }

    [Fact]
    public async Task Without_any_feed_a_failure_is_an_error_that_names_the_store_and_the_reason()
    {
        _status = 503;
        var catalog = Catalog();

        var e = await Assert.ThrowsAsync<StoreException>(() => catalog.AppsAsync(default));
        Assert.Equal(("app_store_unavailable", 502), (e.ErrorCode, e.Status));
        Assert.Contains($"The app store at {_url}/api/v1/appapi_apps.json cannot be read: HTTP 503", e.Message);
        await Assert.ThrowsAsync<StoreException>(() => catalog.AppsAsync(default));
        Assert.Single(_asked);
    }

    [Fact]
    public async Task Readers_at_the_same_time_share_one_fetch()
    {
        _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var catalog = Catalog();

        var readers = Enumerable.Range(0, 5).Select(_ => Task.Run(() => Ids(catalog))).ToList();
        while (true)
        {
            lock (_asked) if (_asked.Count > 0) break;
            await Task.Delay(10);
        }
        _hold.SetResult();

        Assert.All(await Task.WhenAll(readers), ids => Assert.Equal(["hello"], ids));
        Assert.Single(_asked);
    }

    [Fact]
    public async Task A_feed_over_its_size_limit_is_refused()
    {
        var e = await Assert.ThrowsAsync<StoreException>(() => Catalog(o => o.MaxFeedBytes = 10).AppsAsync(default));

        Assert.Contains("the feed is larger than Registry:AppStore:MaxFeedBytes (10 bytes)", e.Message);
    }

    [Fact]
    public async Task Without_a_store_every_read_says_how_to_install_instead()
    {
        var e = await Assert.ThrowsAsync<StoreException>(() => Catalog(o => o.Url = "").AppAsync("hello", default));

        Assert.Equal(("app_store_not_configured", 503), (e.ErrorCode, e.Status));
        Assert.Contains("--info-xml or --json-info", e.Message);
        Assert.Empty(_asked);
    }

    [Fact]
    public async Task An_app_the_feed_does_not_list_is_not_in_the_store()
    {
        var e = await Assert.ThrowsAsync<StoreException>(() => Catalog().AppAsync("other", default));

        Assert.Equal(("app_not_in_store", 404), (e.ErrorCode, e.Status));
        Assert.Contains("other is not in the app store at", e.Message);
    }
}
