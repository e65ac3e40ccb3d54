using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Auth;

/// <summary>Per-client-IP brute-force protection, as Nextcloud's throttler does it for AppAPI: failed attempts
/// (unknown app, wrong secret, a proxied status listed in <c>bruteforce_protection</c>) make the next requests
/// from that address wait <c>BaseDelay * 2^(failures-1)</c> (capped), and past <c>MaxFailures</c> they are refused
/// with 429 without being checked. A success clears the address. Failures expire after <c>Window</c>.</summary>
public sealed class FailureThrottle(IOptions<GatewayOptions> options, TimeProvider clock) : IDisposable
{
    public const string TooManyMessage = "Reached maximum delay";

    private readonly MemoryCache _failures = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private ThrottleOptions O => options.Value.Throttle;

    private sealed class Counter
    {
        public int Count;
    }

    /// <summary>The delay owed before answering a request from this address; null when it must get 429.</summary>
    public TimeSpan? DelayFor(IPAddress? ip)
    {
        var n = Failures(ip);
        if (n >= O.MaxFailures) return null;
        return Delay(n, O);
    }

    /// <summary>Waits the owed delay; false when the address is over the limit (answer 429).</summary>
    public async Task<bool> WaitAsync(IPAddress? ip, CancellationToken ct)
    {
        var delay = DelayFor(ip);
        if (delay is null) return false;
        if (delay > TimeSpan.Zero) await Task.Delay(delay.Value, clock, ct);
        return true;
    }

    public int Failures(IPAddress? ip) => _failures.TryGetValue(Key(ip), out Counter? c) ? Volatile.Read(ref c!.Count) : 0;

    public void RegisterFailure(IPAddress? ip)
    {
        var counter = _failures.GetOrCreate(Key(ip), e =>
        {
            e.Size = 1;
            return new Counter();
        })!;
        Interlocked.Increment(ref counter.Count);
        // Each failure extends the memory of the address by the window (Nextcloud counts the last 12 hours).
        _failures.Set(Key(ip), counter, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = O.Window, Size = 1 });
    }

    public void Reset(IPAddress? ip) => _failures.Remove(Key(ip));

    /// <summary>0 failures: no delay; then BaseDelay, 2x, 4x ... capped at MaxDelay.</summary>
    public static TimeSpan Delay(int failures, ThrottleOptions o)
    {
        if (failures <= 0) return TimeSpan.Zero;
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var ms = Math.Min(o.BaseDelay.TotalMilliseconds * factor, o.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }

    // IPv4-mapped IPv6 and plain IPv4 are one client.
    private static string Key(IPAddress? ip) => ip is null ? "unknown" : (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();

    public void Dispose() => _failures.Dispose();
}
