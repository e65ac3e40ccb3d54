using System.Threading.Channels;
using ExApps.ServiceDefaults.Outbox;
using MassTransit;

namespace ExApps.Gateway.Ocs;

/// <summary>Carries what ExApps report (init progress, a raised version) to the bus. A report is accepted into a
/// bounded queue and published from there in arrival order, retried while the broker is away, so a RabbitMQ
/// restart during an install loses no report and the ExApp (whose client would fail its init on an error) is not
/// refused. Only a gateway that dies with reports still queued loses them; a full queue refuses (503).</summary>
public sealed class ReportRelay(IBus bus, ILogger<ReportRelay> logger) : BackgroundService
{
    private const int Capacity = 20_000;
    private readonly Channel<object> _queue = Channel.CreateBounded<object>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>False when the queue is full (the broker has been away for long): answer 503.</summary>
    public bool TryAccept(object report) => _queue.Writer.TryWrite(report);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var report in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                var delay = TimeSpan.FromMilliseconds(100);
                var warned = false;
                var failures = 0;
                while (true)
                {
                    try
                    {
                        // bounded: a publish whose confirm never comes (a channel lost mid-publish) is tried again
                        // instead of holding every later report up
                        await BoundedPublish.RunAsync(token => bus.Publish(report, report.GetType(), token), stoppingToken);
                        if (warned) logger.LogInformation("Publishing ExApp reports again");
                        break;
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        // the first failure, then every 15th (about every 30 s): a relay that stays stuck is seen
                        if (failures++ % 15 == 0)
                            logger.LogWarning("Cannot publish ExApp reports ({Error}, attempt {Attempt}); keeping {Waiting} until the broker takes them",
                                e.Message, failures, _queue.Reader.Count + 1);
                        warned = true;
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
