using System.Globalization;
using ExApps.Contracts;
using ExApps.Lifecycle.Flow;
using ExApps.Lifecycle.Persistence;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Workers;

/// <summary>The clock-driven part of the flow, kept in the database so that it survives restarts (there is no
/// delayed-message plugin): fails inits past their deadline (spec §5.2 step 4) and finishes enables whose
/// process died mid-call.</summary>
public sealed class TimeoutWorker(
    OperationStore store,
    EnableStep enable,
    IBus bus,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<TimeoutWorker> logger) : BackgroundService
{
    // An enable nobody has touched for this long past its own time limit has lost its process.
    private static readonly TimeSpan AbandonMargin = TimeSpan.FromSeconds(30);

    private readonly LifecycleOptions _options = options.Value;
    private readonly List<Task> _enables = [];

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
            await Task.WhenAll(_enables);
        }
    }

    private async Task ScanAsync(bool firstScan, CancellationToken ct)
    {
        _enables.RemoveAll(t => t.IsCompleted);
        try
        {
            await ExpireInitsAsync(ct);
            // At start, every row left in enabling was cut off by a stop or crash (PUT /enabled is idempotent, so
            // calling it again is safe); later, only rows untouched for longer than an enable can take.
            var now = clock.GetUtcNow();
            var untouchedSince = firstScan ? now : now - _options.EnableTimeout - AbandonMargin;
            foreach (var row in await store.ClaimAbandonedEnablesAsync(untouchedSince, ct))
            {
                logger.LogInformation("Resuming the enable of ExApp {AppId} (operation {OperationId})",
                    row.AppId, row.OperationId);
                _enables.Add(Task.Run(() => ResumeEnableAsync(row, ct), CancellationToken.None));
            }
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
            if (!await store.TransitionAsync(row, OperationState.Initializing, OperationState.Failed, ct, reason))
                continue;
            logger.LogWarning("{Reason}", reason);
            await bus.Publish(new InitFailed(row.OperationId, row.AppId, reason), ct);
        }
    }

    /// <summary>AppAPI's message, with the limit this init actually had (stored with the row, so a changed
    /// setting does not rewrite history).</summary>
    public static string TimedOutReason(AppOperation row)
    {
        var minutes = (row.InitDeadline!.Value - row.InitStartedAt!.Value).TotalMinutes;
        return $"ExApp {row.AppId} initialization timed out ({minutes.ToString("0.##", CultureInfo.InvariantCulture)}m)";
    }

    private async Task ResumeEnableAsync(AppOperation row, CancellationToken ct)
    {
        try
        {
            await enable.RunAsync(row, bus, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stays enabling; the next start resumes it
        }
        catch (Exception e)
        {
            logger.LogError(e, "Resumed enable of ExApp {AppId} failed unexpectedly", row.AppId);
        }
    }
}
