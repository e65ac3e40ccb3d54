using ExApps.Contracts;
using MassTransit;

namespace ExApps.Gateway.Registry;

/// <summary>Clears an app's cached records when the lifecycle or registry changes it. Runs on a temporary queue of
/// this gateway instance, so every replica hears every event (a shared queue would tell only one of them).</summary>
public sealed class AppCacheInvalidator(AppCache cache) :
    IConsumer<DeployRequested>, IConsumer<ContainerStarted>, IConsumer<Enabled>, IConsumer<EnableFailed>,
    IConsumer<Disabled>, IConsumer<AppUnregistered>
{
    public Task Consume(ConsumeContext<DeployRequested> context) => Clear(context.Message.AppId);
    public Task Consume(ConsumeContext<ContainerStarted> context) => Clear(context.Message.AppId);
    public Task Consume(ConsumeContext<Enabled> context) => Clear(context.Message.AppId);
    public Task Consume(ConsumeContext<EnableFailed> context) => Clear(context.Message.AppId);
    public Task Consume(ConsumeContext<Disabled> context) => Clear(context.Message.AppId);
    public Task Consume(ConsumeContext<AppUnregistered> context) => Clear(context.Message.AppId);

    private Task Clear(string appId)
    {
        cache.Invalidate(appId);
        return Task.CompletedTask;
    }
}
