using ExApps.Lifecycle.Consumers;
using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Flow;
using ExApps.Lifecycle.Persistence;
using ExApps.Lifecycle.Workers;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.Lifecycle;

public static class LifecycleExtensions
{
    public const string DefaultConnectionString =
        "Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=exapps";

    public static WebApplicationBuilder AddLifecycle(this WebApplicationBuilder builder)
    {
        builder.Services.AddLifecycleServices(builder.Configuration);
        return builder;
    }

    /// <summary>Everything but the bus. Register before the bus: the schema migration is a hosted service that
    /// must finish before consumers run.</summary>
    public static IServiceCollection AddLifecycleServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LifecycleOptions>()
            .Bind(configuration.GetSection(LifecycleOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<LifecycleOptions>, LifecycleOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        var database = new LifecycleDatabase(configuration.GetConnectionString("Postgres") ?? DefaultConnectionString);
        services.AddSingleton(database);
        services.AddSingleton(_ => NpgsqlDataSource.Create(database.ConnectionString));
        services.AddHostedService<SchemaMigrationService>();
        services.AddSingleton<OperationStore>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<OutboxSignal>();

        // Per-call time limits come from the options; the factory's handler rotation follows ExApp DNS changes
        // (containers get new addresses when they are recreated). No request logging: heartbeats poll often.
        services.AddHttpClient(ExAppClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(() => new ServiceDefaults.Security.OutgoingHeaderGuard()) // never a CR/LF header to an ExApp
            .RemoveAllLoggers();
        services.AddSingleton<IExAppClient, ExAppClient>();

        services.AddSingleton<HeartbeatSignal>();
        services.AddSingleton<InitStep>();
        services.AddSingleton<EnableStep>();
        services.AddSingleton<ContainerControl>();
        services.AddSingleton<ContainerStartStep>();
        services.AddSingleton<DisableStep>();
        services.AddHostedService<HeartbeatWorker>();
        services.AddHostedService<TimeoutWorker>();
        services.AddHostedService<OutboxPublisher>();
        return services;
    }

    public static IBusRegistrationConfigurator AddLifecycleConsumers(this IBusRegistrationConfigurator bus)
    {
        // Queues are named after this service: the registry consumes some of the same events, and each service
        // needs its own copy of them rather than competing with the other for it.
        bus.AddConsumer<ContainerStartedConsumer>().Endpoint(e => e.Name = "lifecycle-container-started");
        bus.AddConsumer<InitProgressConsumer>().Endpoint(e => e.Name = "lifecycle-init-progress");
        bus.AddConsumer<AppUnregisteredConsumer>().Endpoint(e => e.Name = "lifecycle-app-unregistered");
        bus.AddConsumer<EnableAppConsumer>().Endpoint(e => e.Name = "lifecycle-enable-app");
        bus.AddConsumer<DisableAppConsumer>().Endpoint(e => e.Name = "lifecycle-disable-app");
        bus.AddConsumer<AppVersionReportedConsumer>().Endpoint(e => e.Name = "lifecycle-app-version-reported");
        return bus;
    }
}
