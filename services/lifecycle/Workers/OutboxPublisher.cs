using ExApps.Lifecycle.Persistence;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Workers;

/// <summary>Publishes what transitions wrote to <see cref="Outbox"/>: at once when this process committed them (a
/// wake), and on every poll for what a stopped process left behind.</summary>
public sealed class OutboxPublisher(
    Outbox outbox,
    OutboxSignal signal,
    IBus bus,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WaitForStartedAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                // a full batch means more may wait: go again without sleeping
                if (await PublishAsync(stoppingToken) == Batch) continue;
                await signal.WaitAsync(options.Value.OutboxPollInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<int> PublishAsync(CancellationToken ct)
    {
        try
        {
            return await outbox.PublishPendingAsync((m, type, c) => bus.Publish(m, type, c), Batch, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // the batch stays in the table and goes out at the next poll
            logger.LogError(e, "Publishing the outbox failed; retrying");
            return 0;
        }
    }
}
