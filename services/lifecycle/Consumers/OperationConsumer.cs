using ExApps.Contracts;
using ExApps.Lifecycle.Engine;
using MassTransit;

namespace ExApps.Lifecycle.Consumers;

/// <summary>Every message about an app operation goes to the <see cref="OperationEngine"/>, which lets the app's
/// current step decide (<see cref="Machine.AppOperationMachine"/>). Redeliveries and duplicates are harmless there.</summary>
public sealed class OperationConsumer(OperationEngine engine) :
    IConsumer<InstallApp>, IConsumer<UpdateApp>, IConsumer<EnableApp>, IConsumer<DisableApp>, IConsumer<UnregisterApp>,
    IConsumer<DeployProgress>, IConsumer<ContainerStarted>, IConsumer<DeployFailed>, IConsumer<Fault<DeployRequested>>,
    IConsumer<ContainerRunning>, IConsumer<ContainerStopped>, IConsumer<ContainerRemoved>,
    IConsumer<AppVersionReported>, IConsumer<AppChanged>, IConsumer<ContainerStateChanged>
{
    public Task Consume(ConsumeContext<InstallApp> c) => engine.HandleAsync(c.Message.App.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<UpdateApp> c) => engine.HandleAsync(c.Message.App.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<EnableApp> c) => engine.HandleAsync(c.Message.App.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<DisableApp> c) => engine.HandleAsync(c.Message.App.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<UnregisterApp> c) => engine.HandleAsync(c.Message.App.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<DeployProgress> c) => engine.HandleAsync(c.Message.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<ContainerStarted> c) => engine.HandleAsync(c.Message.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<DeployFailed> c) => engine.HandleAsync(c.Message.AppId, c.Message, c.CancellationToken);

    /// <summary>A deploy request every deployer failed to process (e.g. their database was down): without this the
    /// app would wait for its deploy until the idle deadline.</summary>
    public Task Consume(ConsumeContext<Fault<DeployRequested>> c)
    {
        var request = c.Message.Message;
        var reason = "Deploy failed: " + (c.Message.Exceptions.FirstOrDefault()?.Message ?? "the deployer could not process the request");
        return engine.HandleAsync(request.AppId, new DeployFailed(request.OperationId, request.AppId, reason), c.CancellationToken);
    }

    public Task Consume(ConsumeContext<ContainerRunning> c) => engine.HandleAsync(c.Message.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<ContainerStopped> c) => engine.HandleAsync(c.Message.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<ContainerRemoved> c) => engine.HandleAsync(c.Message.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<AppVersionReported> c) => engine.HandleAsync(c.Message.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<AppChanged> c) => engine.HandleAsync(c.Message.AppId, c.Message, c.CancellationToken);
    public Task Consume(ConsumeContext<ContainerStateChanged> c) => engine.HandleAsync(c.Message.AppId, c.Message, c.CancellationToken);
}

/// <summary>One queue for requests and answers. Apps run in parallel; the messages of one app are handled one
/// after another in the order they arrived (a partition per app id), so that, say, a deploy's progress is never
/// applied after its end.</summary>
public sealed class OperationConsumerDefinition : ConsumerDefinition<OperationConsumer>
{
    private const int Partitions = 32;

    public OperationConsumerDefinition()
    {
        EndpointName = "lifecycle-operations";
        ConcurrentMessageLimit = Partitions;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint,
        IConsumerConfigurator<OperationConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = 64;
        var p = endpoint.CreatePartitioner(Partitions);
        consumer.Message<InstallApp>(m => m.UsePartitioner(p, x => x.Message.App.AppId));
        consumer.Message<UpdateApp>(m => m.UsePartitioner(p, x => x.Message.App.AppId));
        consumer.Message<EnableApp>(m => m.UsePartitioner(p, x => x.Message.App.AppId));
        consumer.Message<DisableApp>(m => m.UsePartitioner(p, x => x.Message.App.AppId));
        consumer.Message<UnregisterApp>(m => m.UsePartitioner(p, x => x.Message.App.AppId));
        consumer.Message<DeployProgress>(m => m.UsePartitioner(p, x => x.Message.AppId));
        consumer.Message<ContainerStarted>(m => m.UsePartitioner(p, x => x.Message.AppId));
        consumer.Message<DeployFailed>(m => m.UsePartitioner(p, x => x.Message.AppId));
        consumer.Message<Fault<DeployRequested>>(m => m.UsePartitioner(p, x => x.Message.Message.AppId));
        consumer.Message<ContainerRunning>(m => m.UsePartitioner(p, x => x.Message.AppId));
        consumer.Message<ContainerStopped>(m => m.UsePartitioner(p, x => x.Message.AppId));
        consumer.Message<ContainerRemoved>(m => m.UsePartitioner(p, x => x.Message.AppId));
        consumer.Message<AppVersionReported>(m => m.UsePartitioner(p, x => x.Message.AppId));
        consumer.Message<AppChanged>(m => m.UsePartitioner(p, x => x.Message.AppId));
        consumer.Message<ContainerStateChanged>(m => m.UsePartitioner(p, x => x.Message.AppId));
    }
}
