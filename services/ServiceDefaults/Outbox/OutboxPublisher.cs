using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExApps.ServiceDefaults.Outbox;

/// <summary>Publishes what committed transactions wrote to the <see cref="TransactionalOutbox"/>: at once when this
/// process committed them (a wake), and on every poll for what another process or an outage left behind. While
/// messages keep failing (broker down, nobody consuming a command yet) it backs off up to a few seconds, so the
/// backlog drains within seconds of the broker's return.</summary>
public sealed class OutboxPublisher(
    TransactionalOutbox outbox,
    OutboxSettings settings,
    IBus bus,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WaitForStartAsync(stoppingToken);
        var backoff = TimeSpan.Zero;
        var warned = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var (published, failed) = await PublishAsync(stoppingToken);
            if (failed == 0)
            {
                if (warned) logger.LogInformation("Outbox of {Schema} is publishing again", settings.Schema);
                warned = false;
                backoff = TimeSpan.Zero;
                if (published == settings.BatchSize) continue; // more may wait
                await outbox.Signal.WaitAsync(settings.PollInterval, clock, stoppingToken);
                continue;
            }
            if (!warned)
                logger.LogWarning("{Failed} outbox message(s) of {Schema} could not be published yet (broker down, or no " +
                                  "consumer bound); retrying", failed, settings.Schema);
            warned = true;
            backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            await Task.Delay(backoff, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<(int, int)> PublishAsync(CancellationToken ct)
    {
        try
        {
            return await outbox.PublishPendingAsync(bus, settings.BatchSize, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // the database is down: the rows stay where they are
            logger.LogWarning("Reading the outbox of {Schema} failed: {Error}", settings.Schema, e.Message);
            return (0, 1);
        }
    }

    /// <summary>The bus is a hosted service registered after this one: publish only once everything started.</summary>
    private async Task WaitForStartAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await using var onCancel = ct.Register(() => started.TrySetCanceled(ct));
        await started.Task;
    }
}
