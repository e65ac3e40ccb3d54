using System.Collections.Concurrent;

namespace ExApps.ServiceDefaults.Security;

/// <summary>Limits of an <see cref="AttemptLimiter"/>: after <see cref="MaxFailures"/> failures in a bucket, further
/// attempts in it are refused unchecked until <see cref="Window"/> has passed since its last failure; before that,
/// each attempt waits <c>BaseDelay * 2^(failures-1)</c>, capped at <see cref="MaxDelay"/>.</summary>
public sealed record AttemptLimits(int MaxFailures, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan Window);

public enum AttemptVerdict { Passed, Failed, Refused }

/// <summary>Brute-force protection in buckets (the caller chooses the key, e.g. client address + claimed app id).
/// The check that can fail runs under the bucket's lock, after the limit is read and before the failure is
/// counted, so parallel guesses are serialized on the bucket and can never exceed the limit; checks are cheap
/// (a constant-time hash comparison), so legitimate concurrent requests wait microseconds at most. Buckets live in
/// memory: forgotten after the window, and bounded in number (see <see cref="MaxBuckets"/>).</summary>
public sealed class AttemptLimiter(AttemptLimits limits, TimeProvider clock)
{
    /// <summary>Past this many buckets, idle ones are swept; if the map is still full (a flood from very many
    /// addresses), new keys share one overflow bucket rather than growing memory without bound.</summary>
    public const int MaxBuckets = 100_000;
    private const string OverflowKey = "\u0000overflow";

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private long _lastSweep;

    public AttemptLimits Limits => limits;

    private sealed class Bucket
    {
        public int Failures;
        public int Pending;
        public long LastFailure;
        public bool Dead;
    }

    /// <summary>The delay owed before the next attempt in this bucket; null when it is full (refuse at once).</summary>
    public TimeSpan? DelayFor(string key) => With(key, b => b.Failures + b.Pending >= limits.MaxFailures ? (TimeSpan?)null : Delay(b.Failures, limits));

    /// <summary>Waits the owed delay (none for a bucket without failures); false when the bucket is full.</summary>
    public async Task<bool> WaitAsync(string key, CancellationToken ct)
    {
        var delay = DelayFor(key);
        if (delay is null) return false;
        if (delay > TimeSpan.Zero) await Task.Delay(delay.Value, clock, ct);
        return true;
    }

    /// <summary>Runs <paramref name="check"/> under the bucket's lock unless the bucket is full: the limit is read,
    /// the check made and a failure counted as one step.</summary>
    public AttemptVerdict Attempt(string key, Func<bool> check) => With(key, b =>
    {
        if (b.Failures + b.Pending >= limits.MaxFailures) return AttemptVerdict.Refused;
        if (check()) return AttemptVerdict.Passed;
        Fail(b);
        return AttemptVerdict.Failed;
    });

    /// <summary>Counts a failure (e.g. a wrong admin token) and returns the bucket's failures.</summary>
    public int RecordFailure(string key) => With(key, b =>
    {
        Fail(b);
        return b.Failures;
    });

    /// <summary>For checks too slow to hold a lock over (a proxied request whose answer decides): takes a slot
    /// before the work starts, so parallel requests count against the limit at once; null when the bucket is
    /// full. Dispose the reservation with <see cref="Reservation.Complete"/>.</summary>
    public Reservation? TryReserve(string key) => With(key, b =>
    {
        if (b.Failures + b.Pending >= limits.MaxFailures) return null;
        b.Pending++;
        return new Reservation(this, key, b);
    });

    public int Failures(string key) => With(key, b => b.Failures);

    /// <summary>Forgets a bucket's failures (a success on a route whose successes prove the caller).</summary>
    public void Clear(string key) => With(key, b =>
    {
        b.Failures = 0;
        return 0;
    });

    public sealed class Reservation(AttemptLimiter owner, string key, object bucket)
    {
        private int _done;
        public string Key { get; } = key;

        public void Complete(bool failed)
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            var b = (Bucket)bucket;
            lock (b)
            {
                b.Pending--;
                if (failed) owner.Fail(b);
            }
        }
    }

    /// <summary>0 failures: no delay; then BaseDelay, 2x, 4x ... capped at MaxDelay.</summary>
    public static TimeSpan Delay(int failures, AttemptLimits o)
    {
        if (failures <= 0) return TimeSpan.Zero;
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(o.BaseDelay.TotalMilliseconds * factor, o.MaxDelay.TotalMilliseconds));
    }

    private void Fail(Bucket b)
    {
        b.Failures++;
        b.LastFailure = clock.GetTimestamp();
    }

    private T With<T>(string key, Func<Bucket, T> action)
    {
        while (true)
        {
            var b = GetBucket(key);
            lock (b)
            {
                if (b.Dead) continue; // swept between lookup and lock: take the fresh one
                if (b.Failures > 0 && clock.GetElapsedTime(b.LastFailure) > limits.Window) b.Failures = 0;
                return action(b);
            }
        }
    }

    private Bucket GetBucket(string key)
    {
        if (_buckets.TryGetValue(key, out var existing)) return existing;
        if (_buckets.Count >= MaxBuckets)
        {
            Sweep();
            if (_buckets.Count >= MaxBuckets) key = OverflowKey;
        }
        return _buckets.GetOrAdd(key, _ => new Bucket());
    }

    /// <summary>Drops buckets with nothing to remember (no pending attempt, failures expired), at most once a second.</summary>
    private void Sweep()
    {
        var now = clock.GetTimestamp();
        var last = Interlocked.Read(ref _lastSweep);
        if (last != 0 && clock.GetElapsedTime(last, now) < TimeSpan.FromSeconds(1)) return;
        if (Interlocked.CompareExchange(ref _lastSweep, now, last) != last) return;
        foreach (var (key, b) in _buckets)
        {
            lock (b)
            {
                var idle = b.Pending == 0 && (b.Failures == 0 || clock.GetElapsedTime(b.LastFailure) > limits.Window);
                if (!idle) continue;
                b.Dead = true;
                _buckets.TryRemove(new KeyValuePair<string, Bucket>(key, b));
            }
        }
    }
}
