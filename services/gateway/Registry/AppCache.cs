using ExApps.Gateway.Proxy;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Registry;

/// <summary>Caches the registry's answers for authentication and proxying (every ExApp call and every proxied
/// request needs one), including "no such app" so that guessing app ids does not hit the registry. Entries live
/// <see cref="GatewayOptions.AppCacheTtl"/> at most; lifecycle events clear an app's entries at once
/// (<see cref="AppCacheInvalidator"/>), so enabling, disabling, updating or removing an app takes effect without a
/// gateway restart. One cache per kind of answer, keyed by the app id itself, so a hit allocates nothing; a routes
/// answer is kept as a <see cref="ProxyTarget"/> (routes compiled once, not per request).</summary>
public sealed class AppCache(IServiceScopeFactory scopes, IOptions<GatewayOptions> options) : IDisposable
{
    /// <summary>Entries per cache: "not found" entries for guessed ids must not grow without limit.</summary>
    public const int MaxEntries = 25_000;

    private readonly MemoryCache _auth = new(new MemoryCacheOptions { SizeLimit = MaxEntries });
    private readonly MemoryCache _routes = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    private sealed record Entry<T>(T? Value) where T : class;

    public ValueTask<AppAuthInfo?> AuthAsync(string appId, CancellationToken ct) =>
        GetAsync(_auth, appId, static (c, id, t) => c.GetAuthInfoAsync(id, t), ct);

    public async ValueTask<AppRoutes?> RoutesAsync(string appId, CancellationToken ct) => (await ProxyTargetAsync(appId, ct))?.App;

    /// <summary>The app's routes as the proxy uses them; completes at once, allocating nothing, on a cache hit.</summary>
    public ValueTask<ProxyTarget?> ProxyTargetAsync(string appId, CancellationToken ct) =>
        GetAsync(_routes, appId, static async (c, id, t) => await c.GetRoutesAsync(id, t) is { } routes ? new ProxyTarget(routes) : null, ct);

    /// <summary>After a version raise the registry is told by an event; until it answers with the new version,
    /// remember it here so the raise is reported once, not on every request.</summary>
    public void SetVersion(AppAuthInfo app, string version)
    {
        _auth.Set(app.Appid, new Entry<AppAuthInfo>(app with { Version = version }), EntryOptions());
        _routes.Remove(app.Appid);
    }

    public void Invalidate(string appId)
    {
        _auth.Remove(appId);
        _routes.Remove(appId);
    }

    private ValueTask<T?> GetAsync<T>(MemoryCache cache, string appId, Func<RegistryClient, string, CancellationToken, Task<T?>> load,
        CancellationToken ct) where T : class =>
        cache.TryGetValue(appId, out Entry<T>? hit) ? ValueTask.FromResult(hit!.Value) : LoadAsync(cache, appId, load, ct);

    private async ValueTask<T?> LoadAsync<T>(MemoryCache cache, string appId, Func<RegistryClient, string, CancellationToken, Task<T?>> load,
        CancellationToken ct) where T : class
    {
        using var scope = scopes.CreateScope();
        var value = await load(scope.ServiceProvider.GetRequiredService<RegistryClient>(), appId, ct);
        cache.Set(appId, new Entry<T>(value), EntryOptions());
        return value;
    }

    private MemoryCacheEntryOptions EntryOptions() => new() { AbsoluteExpirationRelativeToNow = options.Value.AppCacheTtl, Size = 1 };

    public void Dispose()
    {
        _auth.Dispose();
        _routes.Dispose();
    }
}
