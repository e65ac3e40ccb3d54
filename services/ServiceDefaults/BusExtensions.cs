using ExApps.ServiceDefaults.Health;
using ExApps.ServiceDefaults.Telemetry;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExApps.ServiceDefaults;

public static class BusExtensions
{
    /// <summary>MassTransit over RabbitMQ with the same conventions in every service: kebab-case queues (so
    /// replicas of a service compete on one queue), retries, endpoints configured from the registered consumers,
    /// the bus as the readiness check <c>rabbitmq</c>, and the depth of its queues as a metric. MassTransit's usage
    /// telemetry (reports to an outside host) is off: a self-hosted platform calls nothing it was not told to.</summary>
    public static WebApplicationBuilder AddServiceBus(
        this WebApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configure = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        builder.Services.AddOptions<RabbitMqOptions>()
            .Bind(builder.Configuration.GetSection(RabbitMqOptions.Section))
            .ValidateAttributes<RabbitMqOptions, RabbitMqOptionsValidator>()
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>()
            ?? new RabbitMqOptions();

        ProcessWorkerId.Install();
        builder.Services.AddSingleton<QueueDepth>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueueDepth>());
        builder.Services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.ConfigureHealthCheckOptions(h =>
            {
                h.Name = HealthExtensions.RabbitMqCheck;
                h.MinimalFailureStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy;
                h.Tags.Add(HealthExtensions.ReadyTag);
            });
            x.SetKebabCaseEndpointNameFormatter();
            x.AddReceiveEndpointObserver<EndpointStateLog>();
            configure?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, h =>
                {
                    h.Username(options.Username);
                    h.Password(options.Password);
                });
                if (!BrokerReconnect.Apply(cfg))
                    context.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BrokerReconnect))
                        .LogWarning("MassTransit's reconnect policy could not be shortened (unexpected MassTransit version): receive endpoints reconnect on its own back-off of 3-30 s");
                // Outer: a dependency that is down (PostgreSQL restarting, out of connections) is waited for, up to
                // 25 minutes, instead of moving the message to an error queue where its operation would be lost.
                cfg.UseMessageRetry(r =>
                {
                    r.Handle<Exception>(DatabaseOutage.Is);
                    r.Interval(150, TimeSpan.FromSeconds(10)); // below RabbitMQ's 30-minute consumer timeout
                });
                // Inner: anything else a few times quickly (a conflict, a momentary failure).
                cfg.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200),
                    TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300)));
                cfg.ConnectEndpointConfigurationObserver(context.GetRequiredService<QueueDepth>());
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>Publishes a command that some service must consume: RabbitMQ returns it instead of dropping it
    /// when no queue is bound (e.g. no deployer ever started on this broker), and MassTransit then throws
    /// <see cref="MessageReturnedException"/> so the caller can say so rather than lose the work.</summary>
    public static Task PublishCommand<T>(this IPublishEndpoint publish, T message, CancellationToken ct)
        where T : class =>
        publish.Publish(message, context =>
        {
            if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit)) rabbit.Mandatory = true;
        }, ct);
}

/// <summary>The worker id in MassTransit's ids (<c>NewId</c>: message ids, temporary queue names). MassTransit's default
/// reads the host's network interfaces for a MAC address through System.Net.NetworkInformation, an assembly and a scan
/// of the interfaces at start for nothing else. Each process takes 6 random bytes instead, as unique across hosts (the
/// process id still goes into every id, as before).</summary>
public sealed class ProcessWorkerId : IWorkerIdProvider
{
    // (not RandomNumberGenerator: on Linux that loads OpenSSL, 4 MiB resident in a service that needs no crypto at
    // start; the ids need to differ, not to be secret)
    private static readonly byte[] Id = NewWorkerId();
    private static int installed;

    public byte[] GetWorkerId(int index) => Id;

    private static byte[] NewWorkerId()
    {
        var id = new byte[6];
        Random.Shared.NextBytes(id);
        return id;
    }

    /// <summary>Before the first id is made (the bus's temporary queue name at its creation); later calls do nothing.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 0) NewId.SetWorkerIdProvider(new ProcessWorkerId());
    }
}
