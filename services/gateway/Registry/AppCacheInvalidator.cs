using ExApps.Contracts;
using MassTransit;

namespace ExApps.Gateway.Registry;

/// <summary>Clears an app's cached records when the registry changed them (<see cref="AppChanged"/>: a lifecycle
/// snapshot that changed what is cached here, or an edit of the record) or removed them. Runs on a temporary
/// queue of this gateway instance, so every replica hears every event (a shared queue would tell only one). When the
/// ExApp is about to call (<see cref="AppChanged.CallsExpected"/>: enabled for its init) the record is loaded again
/// at once, so that its first report does not wait for the registry (docs/performance.md, install latency).</summary>
public sealed class AppCacheInvalidator(AppCache cache) : IConsumer<AppChanged>, IConsumer<AppUnregistered>
{
    public Task Consume(ConsumeContext<AppChanged> context)
    {
        cache.Invalidate(context.Message.AppId);
        if (context.Message.CallsExpected) cache.Warm(context.Message.AppId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<AppUnregistered> context) => Clear(context.Message.AppId);

    private Task Clear(string appId)
    {
        cache.Invalidate(appId);
        return Task.CompletedTask;
    }
}
