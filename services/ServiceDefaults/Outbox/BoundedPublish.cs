using MassTransit;

namespace ExApps.ServiceDefaults.Outbox;

public static class BoundedPublish
{
    /// <summary>How long one publish (with its broker confirm) may take before it counts as failed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="publish"/> with a token cancelled after <see cref="Timeout"/>, and stops
    /// waiting for it then even when it ignores the token. A publish on a channel that RabbitMQ.Client disposed
    /// mid-publish (the broker stopping) was seen to never complete and not observe its token: the outbox that
    /// awaited it published nothing more, although the broker was back, until the process restarted
    /// (bench/faults.sh broker-stop-5s, docs/reliability.md). The abandoned publish is left to finish or fail on
    /// its own; the caller counts it as failed and tries the message again (at least once).</summary>
    public static async Task RunAsync(Func<CancellationToken, Task> publish, CancellationToken ct, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(limit);
        var task = publish(bounded.Token);
        try
        {
            await task.WaitAsync(limit, ct);
        }
        catch (TimeoutException)
        {
            _ = task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted); // observed, not rethrown
            throw;
        }
    }
}
