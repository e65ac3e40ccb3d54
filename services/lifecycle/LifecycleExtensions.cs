using ExApps.Contracts;
using ExApps.Lifecycle.Consumers;
using ExApps.Lifecycle.Engine;
using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Machine;
using ExApps.Lifecycle.Persistence;
using ExApps.ServiceDefaults;
using ExApps.ServiceDefaults.Outbox;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.Lifecycle;

public static class LifecycleExtensions
{
    /// <summary>How long a connection to an ExApp may stay idle in the pool (see AddLifecycle).</summary>
    public static readonly TimeSpan ExAppConnectionIdle = TimeSpan.FromSeconds(5);

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

        var database = new LifecycleDatabase(PostgresSchema.ConnectionString(configuration, DefaultConnectionString));
        services.AddSingleton(database);
        services.AddSingleton(_ => NpgsqlDataSource.Create(PostgresSchema.WithPoolLimits(database.ConnectionString, 20)));
        services.AddKeyedSingleton(PostgresSchema.SessionsKey, (_, _) => PostgresSchema.SessionSource(database.ConnectionString, "exapps-lifecycle-watch"));
        services.AddHostedService<SchemaMigrationService>();
        services.AddTransactionalOutbox(LifecycleMigrations.Schema);

        // Per-call time limits come from the options; the factory's handler rotation follows ExApp DNS changes
        // (containers get new addresses when they are recreated). No request logging: heartbeats poll often.
        // Idle connections to ExApps close after ExAppConnectionIdle rather than the runtime's minute: the calls of
        // one operation (heartbeats, init, enabled) come in quick succession and reuse a connection, but after a
        // burst of 500 installs the pool held 500 idle connections with their buffers (about 10 MiB of heap) for a
        // minute, for ExApps the lifecycle may not call again for days.
        services.AddHttpClient(ExAppClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionIdleTimeout = ExAppConnectionIdle })
            .AddHttpMessageHandler(() => new ServiceDefaults.Security.OutgoingHeaderGuard()) // never a CR/LF header to an ExApp
            .RemoveAllLoggers();
        services.TryAddSingleton<IExAppClient, ExAppClient>();
        services.TryAddSingleton<IContainerInspector, ContainerInspector>();

        services.AddSingleton<AppOperationMachine>();
        services.AddSingleton<Persistence.SpecSeal>();
        services.AddSingleton<AppStore>();
        services.AddSingleton<StepSignal>();
        services.AddSingleton<OperationEngine>();
        services.AddSingleton<StepActions>();
        services.AddSingleton<LiveInstances>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveInstances>());
        services.AddHostedService<StepWorker>();
        services.AddHostedService<AppWatcher>();
        return services;
    }

    public static IBusRegistrationConfigurator AddLifecycleConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<OperationConsumer, OperationConsumerDefinition>();
        bus.AddConsumer<InitProgressConsumer, InitProgressConsumerDefinition>();
        bus.AddRequestClient<InspectContainer>();
        return bus;
    }
}
