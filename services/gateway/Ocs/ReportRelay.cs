using System.Threading.Channels;
using ExApps.Contracts;
using ExApps.ServiceDefaults.Outbox;
using ExApps.ServiceDefaults.Telemetry;
using MassTransit;

namespace ExApps.Gateway.Ocs;

/// <summary>Carries what ExApps report (init progress, a raised version) to the bus. A report is accepted into a
/// bounded queue and published from there, retried while the broker is away, so a RabbitMQ restart during an
/// install loses no report and the ExApp (whose client would fail its init on an error) is not refused. Only a
/// gateway that dies with reports still queued loses them; a full queue refuses (503).
/// <para>The queue is <see cref="Lanes"/> lanes, an app's reports always in the same one (by its id), each lane
/// published one report at a time in arrival order: one app's reports reach the lifecycle in the order the ExApp
/// sent them, and different apps' reports go out side by side. With a single lane every report waited for the
/// broker's confirm of the one before it, whatever its app: during 500 concurrent installs reports waited in the
/// gateway for 1-3 s before they were published (docs/performance.md).</para></summary>
public sealed class ReportRelay(Func<object, CancellationToken, Task> publish, ILogger<ReportRelay> logger,
    PlatformMetrics? metrics = null) : BackgroundService
{
    public ReportRelay(IBus bus, ILogger<ReportRelay> logger, PlatformMetrics metrics)
        : this((report, token) => bus.Publish(report, report.GetType(), token), logger, metrics)
    {
    }

    /// <summary>Reports published at the same time, at most (one per lane).</summary>
    public const int Lanes = 32;
    private const int Capacity = 20_000;
    private readonly Channel<object>[] _lanes = Enumerable.Range(0, Lanes).Select(_ => Channel.CreateBounded<object>(
        new BoundedChannelOptions(Capacity / Lanes) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true })).ToArray();

    private int _failures;
    private long _superseded;
    private long _lastWarning;

    /// <summary>False when the app's lane is full (the broker has been away for long): answer 503.</summary>
    public bool TryAccept(string appId, object report) => _lanes[Lane(appId)].Writer.TryWrite(report);

    /// <summary>The lane of an app's reports: the same for every report of the app, in this process.</summary>
    public static int Lane(string appId) => (int)((uint)StringComparer.Ordinal.GetHashCode(appId) % Lanes);

    /// <summary>Reports not published because a later one replaced them (<see cref="Superseded"/>), since start.</summary>
    public long SupersededCount => Interlocked.Read(ref _superseded);

    /// <summary>Reports accepted and not yet published, over all lanes.</summary>
    public int Waiting => _lanes.Sum(l => l.Reader.Count);

    /// <summary>An init progress report with the same app's next report already queued behind it, which says as much
    /// (a progress as high or higher, or an error), is not published: the lifecycle would apply it, as a transaction
    /// and a status snapshot of its own, only for the next one to replace it at once. An ExApp that reports 0, 50 and
    /// 100 in a row has its later reports queued while the first one's confirm is awaited, so the lifecycle gets 0
    /// and 100. Errors, a progress that goes back, and other apps' reports are always published.</summary>
    private static bool Superseded(object report, ChannelReader<object> lane) =>
        report is InitProgress { Error.Length: 0 } current
        && lane.TryPeek(out var next) && next is InitProgress later && later.AppId == current.AppId
        && (later.Error.Length > 0 || later.Progress >= current.Progress);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_lanes.Select(lane => Task.Run(() => RunLaneAsync(lane.Reader, stoppingToken), stoppingToken)));

    private async Task RunLaneAsync(ChannelReader<object> lane, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var report in lane.ReadAllAsync(stoppingToken))
            {
                if (Superseded(report, lane))
                {
                    Interlocked.Increment(ref _superseded);
                    metrics?.ReportSuperseded();
                    continue;
                }
                var delay = TimeSpan.FromMilliseconds(100);
                while (true)
                {
                    try
                    {
                        // bounded: a publish whose confirm never comes (a channel lost mid-publish) is tried again
                        // instead of holding every later report of the lane up
                        await BoundedPublish.RunAsync(token => publish(report, token), stoppingToken);
                        if (Interlocked.Exchange(ref _failures, 0) > 0) logger.LogInformation("Publishing ExApp reports again");
                        break;
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        // the first failure of any lane, then at most one warning per 30 s: a relay that stays
                        // stuck is seen, without a warning per lane and try
                        var failures = Interlocked.Increment(ref _failures);
                        var now = Environment.TickCount64;
                        var last = Interlocked.Read(ref _lastWarning);
                        if ((failures == 1 || now - last >= 30_000) && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
                            logger.LogWarning("Cannot publish ExApp reports ({Error}, attempt {Attempt}); keeping {Waiting} until the broker takes them",
                                e.Message, failures, Waiting);
                        await Task.Delay(delay, stoppingToken);
                        delay = delay * 2 > TimeSpan.FromSeconds(2) ? TimeSpan.FromSeconds(2) : delay * 2;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
