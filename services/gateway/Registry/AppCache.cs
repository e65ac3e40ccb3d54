using ExApps.Gateway.Proxy;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Registry;

/// <summary>Caches the registry's answers for authentication and proxying (every ExApp call and every proxied
/// request needs one), including "no such app" so that guessing app ids does not hit the registry. Entries live
/// <see cref="GatewayOptions.AppCacheTtl"/> at most; lifecycle events clear an app's entries at once
/// (<see cref="AppCacheInvalidator"/>), so enabling, disabling, updating or removing an app takes effect without a
/// gateway restart. One cache per kind of answer, keyed by the app id itself, so a hit allocates nothing; a routes
/// answer is kept as a <see cref="ProxyTarget"/> (routes compiled once, not per request).
/// While the registry is unreachable (restarting, or its database is), an expired entry is still used for
/// <see cref="GatewayOptions.AppCacheStaleTtl"/>, and a lookup with nothing cached waits up to
/// <see cref="GatewayOptions.RegistryWait"/> for the registry to come back, so ExApps' reports during a registry
/// restart are accepted instead of refused (docs/reliability.md).</summary>
public sealed class AppCache(IServiceScopeFactory scopes, IOptions<GatewayOptions> options) : IDisposable
{
    /// <summary>Entries per cache: "not found" entries for guessed ids must not grow without limit.</summary>
    public const int MaxEntries = 25_000;

    private readonly MemoryCache _auth = new(new MemoryCacheOptions { SizeLimit = MaxEntries });
    private readonly MemoryCache _routes = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    /// <summary><paramref name="FreshUntil"/>: <see cref="Environment.TickCount64"/> after which the registry is
    /// asked again (the entry itself lives longer, as the stale fallback).</summary>
    private sealed record Entry<T>(T? Value, long FreshUntil) where T : class;

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
        _auth.Set(app.Appid, NewEntry<AppAuthInfo>(app with { Version = version }), EntryOptions());
        _routes.Remove(app.Appid);
    }

    public void Invalidate(string appId)
    {
        _auth.Remove(appId);
        _routes.Remove(appId);
    }

    private ValueTask<T?> GetAsync<T>(MemoryCache cache, string appId, Func<RegistryClient, string, CancellationToken, Task<T?>> load,
        CancellationToken ct) where T : class =>
        cache.TryGetValue(appId, out Entry<T>? hit) && Environment.TickCount64 < hit!.FreshUntil
            ? ValueTask.FromResult(hit.Value)
            : LoadAsync(cache, appId, load, hit, ct);

    private async ValueTask<T?> LoadAsync<T>(MemoryCache cache, string appId, Func<RegistryClient, string, CancellationToken, Task<T?>> load,
        Entry<T>? stale, CancellationToken ct) where T : class
    {
        var waitUntil = Environment.TickCount64 + (long)options.Value.RegistryWait.TotalMilliseconds;
        while (true)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var value = await load(scope.ServiceProvider.GetRequiredService<RegistryClient>(), appId, ct);
                cache.Set(appId, NewEntry(value), EntryOptions());
                return value;
            }
            catch (Exception e) when (IsRegistryUnreachable(e) && !ct.IsCancellationRequested)
            {
                // A known app keeps working on what the gateway last knew of it; an unknown one waits briefly.
                if (stale is not null) return stale.Value;
                if (Environment.TickCount64 >= waitUntil) throw;
                await Task.Delay(RetryDelay, ct);
            }
        }
    }

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>The registry did not answer (refused, reset, timed out, circuit open, 5xx): not "no such app".</summary>
    public static bool IsRegistryUnreachable(Exception e) =>
        e is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException
            or Polly.CircuitBreaker.BrokenCircuitException;

    private Entry<T> NewEntry<T>(T? value) where T : class =>
        new(value, Environment.TickCount64 + (long)options.Value.AppCacheTtl.TotalMilliseconds);

    /// <summary>Entries outlive their freshness by <see cref="GatewayOptions.AppCacheStaleTtl"/>: the fallback while
    /// the registry is unreachable.</summary>
    private MemoryCacheEntryOptions EntryOptions() => new()
    {
        AbsoluteExpirationRelativeToNow = options.Value.AppCacheTtl + options.Value.AppCacheStaleTtl, Size = 1,
    };

    public void Dispose()
    {
        _auth.Dispose();
        _routes.Dispose();
    }
}
