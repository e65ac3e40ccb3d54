using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;
using MassTransit;

namespace ExApps.Lifecycle.Consumers;

/// <summary>The app is gone: forget its operation. Work still in flight for it finds no row and publishes
/// nothing.</summary>
public sealed class AppUnregisteredConsumer(OperationStore store, ILogger<AppUnregisteredConsumer> logger)
    : IConsumer<AppUnregistered>
{
    public async Task Consume(ConsumeContext<AppUnregistered> context)
    {
        if (await store.DeleteAsync(context.Message.AppId, context.CancellationToken))
            logger.LogInformation("ExApp {AppId} unregistered; its lifecycle state is removed", context.Message.AppId);
    }
}
