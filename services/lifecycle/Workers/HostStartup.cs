namespace ExApps.Lifecycle.Workers;

internal static class HostStartup
{
    /// <summary>Completes once every hosted service has started. The workers publish through the bus, a hosted
    /// service registered after them: they begin only once it has been started too.</summary>
    public static async Task WaitForStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await using var onCancel = ct.Register(() => started.TrySetCanceled(ct));
        await started.Task;
    }
}
