using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ExApps.ServiceDefaults.Telemetry;

/// <summary>The <c>exapps.queue.depth</c> gauge: messages waiting in this service's own RabbitMQ queues (the receive
/// endpoints it configured), read every <see cref="Interval"/> with a passive queue declare on one connection of its
/// own. A broker that is down leaves the gauge without values until it is back; the service itself is unaffected.
/// Queues exclusive to the bus's connection (MassTransit's temporary endpoints) refuse that and are left out from
/// then on.</summary>
public sealed class QueueDepth : BackgroundService, IEndpointConfigurationObserver
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private const ushort ResourceLocked = 405;

    private readonly ConcurrentDictionary<string, long> _depths = new();
    private readonly ConcurrentDictionary<string, byte> _queues = new();
    private readonly RabbitMqOptions _options;
    private readonly ILogger<QueueDepth> _logger;

    public QueueDepth(IMeterFactory meters, IOptions<RabbitMqOptions> options, ILogger<QueueDepth> logger)
    {
        _options = options.Value;
        _logger = logger;
        meters.Create(PlatformMetrics.MeterName).CreateObservableGauge("exapps.queue.depth",
            () => _depths.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("queue", d.Key))),
            "{message}", "Messages ready in the service's own RabbitMQ queues.");
    }

    public void EndpointConfigured<T>(T configurator) where T : IReceiveEndpointConfigurator =>
        _queues.TryAdd(configurator.InputAddress.AbsolutePath.Split('/')[^1], 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = _options.Host, Port = _options.Port, VirtualHost = _options.VirtualHost,
            UserName = _options.Username, Password = _options.Password,
            ClientProvidedName = "exapps-queue-depth", AutomaticRecoveryEnabled = false,
        };
        using var timer = new PeriodicTimer(Interval);
        IConnection? connection = null;
        try
        {
            do
            {
                try
                {
                    connection ??= await factory.CreateConnectionAsync(stoppingToken);
                    await PollAsync(connection, stoppingToken);
                }
                catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException
                                              or AlreadyClosedException or IOException && !stoppingToken.IsCancellationRequested)
                {
                    _logger.LogDebug("Queue depth not read: {Reason}", e.Message);
                    _depths.Clear();
                    if (connection is not null) await connection.DisposeAsync();
                    connection = null;
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    private async Task PollAsync(IConnection connection, CancellationToken ct)
    {
        IChannel? channel = null;
        try
        {
            foreach (var queue in _queues.Keys)
            {
                channel ??= await connection.CreateChannelAsync(cancellationToken: ct);
                try
                {
                    _depths[queue] = (await channel.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
                }
                catch (OperationInterruptedException e)
                {
                    // A missing queue (not declared yet, or auto-deleted) closes the channel: open another. A queue
                    // exclusive to the bus's connection (405 RESOURCE_LOCKED) stays so: it is not asked again.
                    _depths.TryRemove(queue, out _);
                    if (e.ShutdownReason?.ReplyCode == ResourceLocked) _queues.TryRemove(queue, out _);
                    await channel.DisposeAsync();
                    channel = null;
                }
            }
        }
        finally
        {
            if (channel is not null) await channel.DisposeAsync();
        }
    }
}
