using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExApps.ServiceDefaults.Memory;

/// <summary>Gives memory back once a burst of work is over. The GC collects only when a process allocates, so after
/// a burst (hundreds of installs, a load of proxied requests) an idle service kept the heap the burst left: freed
/// buffers, closed connections' objects, regions it no longer needs, 20-30 MiB of resident memory for as long as
/// it stayed idle. Every <see cref="Interval"/> this looks at what the process allocated: once at least
/// <see cref="BusyBytes"/> were allocated since the last trim and the last interval allocated less than
/// <see cref="QuietBytes"/> (an idle service allocates some hundreds of KB in that time: health probes, timers), it
/// runs one aggressive full collection, which compacts the heap and returns the free memory to the system. One
/// such collection of these heaps takes a few milliseconds, at most once per burst. docs/performance.md has the
/// figures.</summary>
public sealed class IdleMemoryTrim(ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public const long QuietBytes = 4L << 20;
    public const long BusyBytes = 64L << 20;

    private long _allocatedAtTrim = GC.GetTotalAllocatedBytes();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var last = GC.GetTotalAllocatedBytes();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = GC.GetTotalAllocatedBytes();
                if (ShouldTrim(now - last, now - _allocatedAtTrim)) Trim();
                last = GC.GetTotalAllocatedBytes();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Whether the process has been quiet for an interval after enough work to be worth a collection.</summary>
    public static bool ShouldTrim(long allocatedLastInterval, long allocatedSinceTrim) =>
        allocatedLastInterval < QuietBytes && allocatedSinceTrim >= BusyBytes;

    /// <summary>One aggressive, compacting, blocking full collection.</summary>
    public void Trim()
    {
        var before = Environment.WorkingSet;
        var started = TimeProvider.System.GetTimestamp();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _allocatedAtTrim = GC.GetTotalAllocatedBytes();
        logger.LogDebug("Idle after a burst: collected in {Elapsed} ms, working set {Before} -> {After} MiB",
            (int)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, before >> 20, Environment.WorkingSet >> 20);
    }
}
