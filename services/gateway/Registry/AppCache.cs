using System.Collections.Concurrent;
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

    /// <summary>At most this many records are loaded ahead at once (<see cref="Warm"/>); beyond that an ExApp's
    /// first call loads its record, as without warming.</summary>
    public const int MaxWarming = 1_000;

    private sealed class Warming
    {
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Invalidated;
    }

    private readonly ConcurrentDictionary<string, Warming> _warming = new();

    public ValueTask<AppAuthInfo?> AuthAsync(string appId, CancellationToken ct) =>
        _warming.IsEmpty || !_warming.TryGetValue(appId, out var warming)
            ? GetAsync(_auth, appId, LoadAuth, ct)
            : AfterWarmingAsync(appId, warming, ct);

    private static Task<AppAuthInfo?> LoadAuth(RegistryClient client, string appId, CancellationToken ct) =>
        client.GetAuthInfoAsync(appId, ct);

    /// <summary>A call that arrives while its record is being loaded ahead waits for that load instead of asking
    /// the registry a second time.</summary>
    private async ValueTask<AppAuthInfo?> AfterWarmingAsync(string appId, Warming warming, CancellationToken ct)
    {
        await warming.Done.Task.WaitAsync(ct);
        return await GetAsync(_auth, appId, LoadAuth, ct);
    }

    /// <summary>Loads the app's authentication record now, in the background: the ExApp is about to call (it was
    /// just enabled for its init), and its first call then finds the record here instead of waiting for the
    /// registry. A record changed again while it loads (<see cref="Invalidate"/>) is not kept; a load that fails
    /// keeps nothing either, and the call loads the record itself.</summary>
    public void Warm(string appId)
    {
        if (_warming.ContainsKey(appId) || _warming.Count >= MaxWarming) return;
        var warming = new Warming();
        if (!_warming.TryAdd(appId, warming)) return;
        _ = Task.Run(async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(options.Value.RegistryWait);
                using var scope = scopes.CreateScope();
                var value = await LoadAuth(scope.ServiceProvider.GetRequiredService<RegistryClient>(), appId, timeout.Token);
                lock (warming)
                    if (!warming.Invalidated) _auth.Set(appId, NewEntry(value), EntryOptions());
            }
            catch (Exception)
            {
                // (the registry did not answer: the ExApp's call asks it again, with the usual waiting and fallback)
            }
            finally
            {
                _warming.TryRemove(new KeyValuePair<string, Warming>(appId, warming));
                warming.Done.TrySetResult();
            }
        });
    }

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
        if (!_warming.IsEmpty && _warming.TryGetValue(appId, out var warming))
            lock (warming) warming.Invalidated = true;
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
