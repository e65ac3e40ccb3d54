using ExApps.Contracts;
using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Flow;
using ExApps.Lifecycle.Persistence;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Workers;

/// <summary>Drives every app in state <c>heartbeat</c> (spec §5.1): claims the rows that are due, tries
/// <c>GET /heartbeat</c> for each in parallel, and on success carries on with init (<see cref="InitStep"/>, install
/// and update) or straight with the enable (<see cref="EnableStep"/>, an enable operation).
/// A failed try is retried quickly at first (50, 100, 200, 400 ms) because a starting ExApp is usually ready
/// within a second, then every HeartbeatInterval until the deadline stored with the row.</summary>
public sealed class HeartbeatWorker(
    OperationStore store,
    IExAppClient exApp,
    InitStep init,
    EnableStep enable,
    HeartbeatSignal signal,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<HeartbeatWorker> logger) : BackgroundService
{
    public const string FailureReason = "Heartbeat check failed";

    private static readonly TimeSpan[] QuickRetries =
        [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200),
         TimeSpan.FromMilliseconds(400)];

    // Rows change hands this long after a try would have timed out, should this process die mid-try.
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(2);

    private readonly LifecycleOptions _options = options.Value;

    // Only the loop touches this set.
    private readonly HashSet<Task> _running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WaitForStartedAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = await ClaimAndStartTriesAsync(stoppingToken);
                await signal.WaitAsync(wait, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // each try ends promptly once cancelled, handing its row back
            await Task.WhenAll(_running);
        }
    }

    /// <summary>Starts a try for every due row (within the concurrency limit) and says how long the loop may
    /// sleep before the next row is due.</summary>
    private async Task<TimeSpan> ClaimAndStartTriesAsync(CancellationToken ct)
    {
        _running.RemoveWhere(t => t.IsCompleted);
        try
        {
            var free = _options.MaxConcurrentApps - _running.Count;
            if (free <= 0) return _options.HeartbeatInterval; // a finishing try wakes the loop

            var lease = clock.GetUtcNow() + _options.HeartbeatRequestTimeout + LeaseMargin;
            var claimed = await store.ClaimDueHeartbeatsAsync(lease, free, ct);
            foreach (var row in claimed)
                _running.Add(Task.Run(() => TryAsync(row, ct), CancellationToken.None));

            var next = await store.NextHeartbeatDueAsync(ct);
            var wait = next is null ? _options.HeartbeatInterval : next.Value - clock.GetUtcNow();
            // A due row we could not claim is locked by another replica for a moment: don't spin on it.
            var floor = TimeSpan.FromMilliseconds(claimed.Count > 0 ? 0 : 10);
            return wait < floor ? floor : wait > _options.HeartbeatInterval ? _options.HeartbeatInterval : wait;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError(e, "Heartbeat scan failed; retrying");
            return _options.HeartbeatInterval;
        }
    }

    private async Task TryAsync(AppOperation row, CancellationToken ct)
    {
        try
        {
            var result = await exApp.HeartbeatAsync(row.ExAppUrl, ct);
            if (result.Ok)
            {
                if (row.Kind == OperationKind.Enable) await enable.AfterHeartbeatAsync(row, ct);
                else await init.AfterHeartbeatAsync(row, ct);
                return;
            }
            await RecordFailureAsync(row, result.Error, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await ReleaseAsync(row);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Heartbeat of ExApp {AppId} (operation {OperationId}) failed unexpectedly",
                row.AppId, row.OperationId);
        }
        finally
        {
            signal.Wake();
        }
    }

    private async Task RecordFailureAsync(AppOperation row, string error, CancellationToken ct)
    {
        var failedTries = row.FailedTries + 1;
        var now = clock.GetUtcNow();
        if (now >= row.HeartbeatDeadline)
        {
            // An enable operation always ends with Enabled or EnableFailed, which is what its requester waits for.
            IReadOnlyList<object> messages = row.Kind == OperationKind.Enable
                ? [new HeartbeatFailed(row.OperationId, row.AppId, FailureReason, failedTries),
                   new EnableFailed(row.OperationId, row.AppId, FailureReason)]
                : [new HeartbeatFailed(row.OperationId, row.AppId, FailureReason, failedTries)];
            if (!await store.FailHeartbeatAsync(row, failedTries, error, messages, ct)) return;
            logger.LogWarning("ExApp {AppId} heartbeat failed {FailedTries} times until its deadline; last: {Error}",
                row.AppId, failedTries, error);
            return;
        }

        // the last try lands on the deadline itself
        var next = now + RetryDelay(failedTries);
        if (next > row.HeartbeatDeadline) next = row.HeartbeatDeadline;
        await store.RecordHeartbeatRetryAsync(row, failedTries, next, error, ct);
        logger.LogDebug("ExApp {AppId} heartbeat try {FailedTries} failed: {Error}", row.AppId, failedTries, error);
    }

    private TimeSpan RetryDelay(int failedTries)
    {
        var delay = failedTries <= QuickRetries.Length ? QuickRetries[failedTries - 1] : _options.HeartbeatInterval;
        return delay < _options.HeartbeatInterval ? delay : _options.HeartbeatInterval;
    }

    /// <summary>The process is stopping mid-try: give the row back so that the next start (or another replica)
    /// tries it at once instead of after the lease.</summary>
    private async Task ReleaseAsync(AppOperation row)
    {
        try
        {
            await store.ReleaseHeartbeatAsync(row, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not release the heartbeat of ExApp {AppId}; it resumes after its lease",
                row.AppId);
        }
    }
}
