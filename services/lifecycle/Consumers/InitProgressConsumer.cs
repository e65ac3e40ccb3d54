using ExApps.Contracts;
using ExApps.Lifecycle.Engine;
using MassTransit;

namespace ExApps.Lifecycle.Consumers;

/// <summary>The ExApps' init reports, on a queue of their own so that a burst of them never delays requests and
/// the deployer's answers. Reports of one app are applied in the order they arrived (a partition per app id);
/// different apps in parallel.</summary>
public sealed class InitProgressConsumer(OperationEngine engine) : IConsumer<InitProgress>
{
    public Task Consume(ConsumeContext<InitProgress> c) => engine.HandleAsync(c.Message.AppId, c.Message, c.CancellationToken);
}

public sealed class InitProgressConsumerDefinition : ConsumerDefinition<InitProgressConsumer>
{
    private const int Partitions = 32;

    public InitProgressConsumerDefinition()
    {
        EndpointName = "lifecycle-init-progress";
        ConcurrentMessageLimit = Partitions;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint,
        IConsumerConfigurator<InitProgressConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = 128;
        var partitioner = endpoint.CreatePartitioner(Partitions);
        consumer.Message<InitProgress>(m => m.UsePartitioner(partitioner, x => x.Message.AppId));
    }
}
