using ExApps.Deployer.Consumers;
using ExApps.Deployer.Docker;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ExApps.Deployer;

public static class DeployerExtensions
{
    public static WebApplicationBuilder AddDeployer(this WebApplicationBuilder builder)
    {
        builder.Services.AddDeployerServices(builder.Configuration);
        return builder;
    }

    /// <summary>Everything the consumers need, without the bus (tests put the in-memory harness there).</summary>
    public static IServiceCollection AddDeployerServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeployerOptions>()
            .Bind(configuration.GetSection(DeployerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IDockerEngines, DockerEngines>();
        services.AddSingleton<ImageAcquisition>();
        services.AddSingleton<ContainerWaits>();
        services.AddSingleton<DockerDeployment>();
        return services;
    }

    public static IBusRegistrationConfigurator AddDeployerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DeployRequestedConsumer>();
        bus.AddConsumer<RemoveContainerConsumer>();
        return bus;
    }
}
