using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Registry;

/// <summary>Caches the registry's answers for authentication and proxying (every ExApp call and every proxied
/// request needs one), including "no such app" so that guessing app ids does not hit the registry. Entries live
/// <see cref="GatewayOptions.AppCacheTtl"/> at most; lifecycle events clear an app's entries at once
/// (<see cref="AppCacheInvalidator"/>), so enabling, disabling, updating or removing an app takes effect without a
/// gateway restart.</summary>
public sealed class AppCache(IServiceScopeFactory scopes, IOptions<GatewayOptions> options) : IDisposable
{
    // Its own bounded cache: "not found" entries for guessed ids must not grow without limit.
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 50_000 });

    private sealed record Entry<T>(T? Value) where T : class;

    public Task<AppAuthInfo?> AuthAsync(string appId, CancellationToken ct) =>
        GetAsync($"auth:{appId}", (c, t) => c.GetAuthInfoAsync(appId, t), ct);

    public Task<AppRoutes?> RoutesAsync(string appId, CancellationToken ct) =>
        GetAsync($"routes:{appId}", (c, t) => c.GetRoutesAsync(appId, t), ct);

    /// <summary>After a version raise the registry is told by an event; until it answers with the new version,
    /// remember it here so the raise is reported once, not on every request.</summary>
    public void SetVersion(AppAuthInfo app, string version)
    {
        cache.Set($"auth:{app.Appid}", new Entry<AppAuthInfo>(app with { Version = version }),
            new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.AppCacheTtl, Size = 1 });
        cache.Remove($"routes:{app.Appid}");
    }

    public void Invalidate(string appId)
    {
        cache.Remove($"auth:{appId}");
        cache.Remove($"routes:{appId}");
    }

    private async Task<T?> GetAsync<T>(string key, Func<RegistryClient, CancellationToken, Task<T?>> load, CancellationToken ct)
        where T : class
    {
        if (cache.TryGetValue(key, out Entry<T>? hit)) return hit!.Value;
        using var scope = scopes.CreateScope();
        var value = await load(scope.ServiceProvider.GetRequiredService<RegistryClient>(), ct);
        cache.Set(key, new Entry<T>(value), new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.AppCacheTtl, Size = 1 });
        return value;
    }

    public void Dispose() => cache.Dispose();
}
