using System.Runtime.InteropServices;
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
/// such collection of these heaps takes a few milliseconds, at most once per burst. Smaller bursts that repeat
/// count too: once the working set grew by <see cref="GrownBytes"/> since the last trim (with at least
/// <see cref="SomeBytes"/> allocated meanwhile), a quiet interval trims as well. The lifecycle's watch of 500
/// enabled apps (every 30 s) left 5-11 MiB more after each round, promoted and then dropped connections, and grew
/// from 140 to 161 MiB in 90 s before enough had been allocated for a trim. A trim also hands the C library's free
/// heap back (<see cref="NativeHeap"/>): what the runtime, the JIT and native libraries allocated during a burst and
/// freed stays resident in glibc's arenas otherwise. Start-up is a burst too, if a small one, and it goes on after
/// the host has started (the bus connects, the first health checks open connections): the first quiet interval
/// after start trims whatever was allocated, and every quiet interval of the <see cref="WarmUp"/> hands the native
/// heap back again, which costs no collection. docs/performance.md has the figures.</summary>
public sealed class IdleMemoryTrim(ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan WarmUp = TimeSpan.FromMinutes(1);
    public const long QuietBytes = 4L << 20;
    public const long BusyBytes = 64L << 20;
    public const long GrownBytes = 8L << 20;
    public const long SomeBytes = 8L << 20;

    private long _allocatedAtTrim = GC.GetTotalAllocatedBytes();
    private long _workingSetAtTrim = Environment.WorkingSet;
    private bool _trimmedSinceStart;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var started = TimeProvider.System.GetTimestamp();
        var last = GC.GetTotalAllocatedBytes();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = GC.GetTotalAllocatedBytes();
                if (ShouldTrim(now - last, now - _allocatedAtTrim, Environment.WorkingSet - _workingSetAtTrim, _trimmedSinceStart))
                    Trim();
                else if (now - last < QuietBytes && TimeProvider.System.GetElapsedTime(started) < WarmUp)
                    NativeHeap.Trim();
                last = GC.GetTotalAllocatedBytes();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Whether the process has been quiet for an interval after enough work to be worth a collection: its
    /// start, a burst, or work enough that its working set grew.</summary>
    public static bool ShouldTrim(long allocatedLastInterval, long allocatedSinceTrim, long workingSetGrowth,
        bool trimmedSinceStart = true) =>
        allocatedLastInterval < QuietBytes
        && (!trimmedSinceStart || allocatedSinceTrim >= BusyBytes
            || (allocatedSinceTrim >= SomeBytes && workingSetGrowth >= GrownBytes));

    /// <summary>One aggressive, compacting, blocking full collection, then the C library's free heap handed
    /// back.</summary>
    public void Trim()
    {
        var before = Environment.WorkingSet;
        var started = TimeProvider.System.GetTimestamp();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        _trimmedSinceStart = true;
        _allocatedAtTrim = GC.GetTotalAllocatedBytes();
        _workingSetAtTrim = Environment.WorkingSet;
        logger.LogDebug("Idle after a burst: collected in {Elapsed} ms, working set {Before} -> {After} MiB",
            (int)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, before >> 20, _workingSetAtTrim >> 20);
    }
}

/// <summary>glibc's <c>malloc_trim</c>: gives the free memory of every malloc arena back to the system, not only what
/// lies at the top of the main heap (which <c>free</c> already returns). The runtime, the JIT and native libraries
/// (OpenSSL, the socket shims) allocate through malloc; after start-up or a burst, what they freed stays resident
/// until trimmed. A C library without it (musl) makes this do nothing.</summary>
public static class NativeHeap
{
    private static volatile bool s_unavailable;

    /// <summary>Trims every arena; true when memory was given back, false when there was none to give or the C
    /// library has no <c>malloc_trim</c>.</summary>
    public static bool Trim()
    {
        if (s_unavailable || !OperatingSystem.IsLinux()) return false;
        try
        {
            return malloc_trim(0) != 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
