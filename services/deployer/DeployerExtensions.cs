using ExApps.Deployer.Consumers;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using ExApps.Deployer.Persistence;
using ExApps.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ExApps.Deployer;

public static class DeployerExtensions
{
    public static WebApplicationBuilder AddDeployer(this WebApplicationBuilder builder)
    {
        builder.Services.AddDeployerServices(builder.Configuration);
        // Hosted services start in order: the schema before the bus (added after this), which needs it.
        builder.Services.AddHostedService<DeployerSchema>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BackgroundDeploys>());
        builder.Services.AddHostedService<Watch.ContainerEventFollower>();
        return builder;
    }

    /// <summary>Everything the consumers need, without the bus and hosted services (tests put the in-memory
    /// harness there and migrate the schema themselves).</summary>
    public static IServiceCollection AddDeployerServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeployerOptions>()
            .Bind(configuration.GetSection(DeployerOptions.Section))
            .ValidateAttributes<DeployerOptions, DeployerOptionsValidator>()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Watch.KnownDaemons>();
        services.AddSingleton<IDockerEngines, DockerEngines>();
        services.AddSingleton<AppNames>();
        services.AddSingleton(sp => new DeployerDatabase(configuration));
        // The pool the operations use, also as the data source the readiness check of ServiceDefaults probes.
        services.AddSingleton(sp => sp.GetRequiredService<DeployerDatabase>().Pooled);
        services.AddSingleton<AppLocks>();
        services.AddSingleton<OperationLog>();
        services.AddSingleton<BackgroundDeploys>();
        services.AddSingleton<ImageAcquisition>();
        services.AddSingleton<ContainerWaits>();
        services.AddSingleton<HostPortGuard>();
        services.AddSingleton<ImageCleanup>();
        services.AddSingleton<DockerDeployment>();
        services.AddSingleton<DeployOperation>();
        return services;
    }

    public static IBusRegistrationConfigurator AddDeployerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DeployRequestedConsumer, DeployRequestedConsumerDefinition>();
        bus.AddConsumer<RemoveContainerConsumer>();
        bus.AddConsumer<StartContainerConsumer>();
        bus.AddConsumer<StopContainerConsumer>();
        bus.AddConsumer<GetContainerLogsConsumer>();
        bus.AddConsumer<InspectContainerConsumer>();
        bus.AddConsumer<CheckDaemonConsumer>();
        return bus;
    }
}
