using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Deployer.Consumers;

/// <summary>A deployer takes at most <see cref="DeployerOptions.ConcurrentDeploys"/> deploys from the queue at a
/// time (prefetch included): the rest stay in the queue for the other deployers instead of waiting here.</summary>
public sealed class DeployRequestedConsumerDefinition : ConsumerDefinition<DeployRequestedConsumer>
{
    private readonly int _limit;

    public DeployRequestedConsumerDefinition(IOptions<DeployerOptions> options)
    {
        _limit = options.Value.ConcurrentDeploys;
        ConcurrentMessageLimit = _limit;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeployRequestedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _limit;
        endpointConfigurator.ConcurrentMessageLimit = _limit;
    }
}
