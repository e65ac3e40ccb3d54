using System.Globalization;
using ExApps.Contracts;
using ExApps.Lifecycle.Flow;
using ExApps.Lifecycle.Persistence;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Workers;

/// <summary>The clock-driven part of the flow, kept in the database so that it survives restarts (there is no
/// delayed-message plugin): fails inits past their deadline (spec §5.2 step 4), and resumes what a process that
/// died mid-call left: enables (PUT /enabled is idempotent) and inits whose POST /init was never answered (without
/// this they would only fail at the init timeout).</summary>
public sealed class TimeoutWorker(
    OperationStore store,
    EnableStep enable,
    InitStep init,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<TimeoutWorker> logger) : BackgroundService
{
    // An enable nobody has touched for this long past its own time limit has lost its process.
    private static readonly TimeSpan AbandonMargin = TimeSpan.FromSeconds(30);

    private readonly LifecycleOptions _options = options.Value;

    // Taken before the bus starts: a row touched after this was claimed by this very process (its consumers run
    // as soon as the host starts), so the first scan must not take it for abandoned.
    private readonly DateTimeOffset _processStart = clock.GetUtcNow();
    private readonly List<Task> _resumed = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WaitForStartedAsync(stoppingToken);
            using var timer = new PeriodicTimer(_options.TimeoutScanInterval, clock);
            var firstScan = true;
            do
            {
                await ScanAsync(firstScan, stoppingToken);
                firstScan = false;
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(_resumed);
        }
    }

    private async Task ScanAsync(bool firstScan, CancellationToken ct)
    {
        _resumed.RemoveAll(t => t.IsCompleted);
        try
        {
            await ExpireInitsAsync(ct);
            // At start, every such row last touched before this process started was cut off by a stop or crash;
            // later, only rows untouched for longer than the call can take (another replica may still be in the
            // middle of it).
            var now = clock.GetUtcNow();
            foreach (var row in await store.ClaimAbandonedAsync(OperationState.Enabling,
                         firstScan ? _processStart : now - _options.EnableTimeout - AbandonMargin, ct))
                Resume(row, "enable", () => enable.RunAsync(row, ct), ct);
            foreach (var row in await store.ClaimAbandonedAsync(OperationState.Initializing,
                         firstScan ? _processStart : now - _options.InitRequestTimeout - AbandonMargin, ct,
                         onlyUncalledInit: true))
                Resume(row, "init call", () => init.CallInitAsync(row, ct), ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError(e, "Timeout scan failed; retrying at the next tick");
        }
    }

    private async Task ExpireInitsAsync(CancellationToken ct)
    {
        foreach (var row in await store.ExpiredInitsAsync(ct))
        {
            var reason = TimedOutReason(row);
            if (await store.TransitionAsync(row, OperationState.Initializing, OperationState.Failed, reason,
                    [new InitFailed(row.OperationId, row.AppId, reason)], ct))
                logger.LogWarning("{Reason}", reason);
        }
    }

    /// <summary>AppAPI's message, with the limit this init actually had (stored with the row, so a changed
    /// setting does not rewrite history).</summary>
    public static string TimedOutReason(AppOperation row)
    {
        var minutes = (row.InitDeadline!.Value - row.InitStartedAt!.Value).TotalMinutes;
        return $"ExApp {row.AppId} initialization timed out ({minutes.ToString("0.##", CultureInfo.InvariantCulture)}m)";
    }

    private void Resume(AppOperation row, string what, Func<Task> step, CancellationToken ct)
    {
        logger.LogInformation("Resuming the {What} of ExApp {AppId} (operation {OperationId})", what, row.AppId,
            row.OperationId);
        _resumed.Add(Task.Run(async () =>
        {
            try
            {
                await step();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // the row stays as it is; the next start resumes it
            }
            catch (Exception e)
            {
                logger.LogError(e, "Resumed {What} of ExApp {AppId} failed unexpectedly", what, row.AppId);
            }
        }, CancellationToken.None));
    }
}
