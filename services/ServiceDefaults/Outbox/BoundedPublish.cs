using MassTransit;

namespace ExApps.ServiceDefaults.Outbox;

public static class BoundedPublish
{
    /// <summary>How long one publish (with its broker confirm) may take before it counts as failed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="publish"/> with a token cancelled after <see cref="Timeout"/>, and stops
    /// waiting for it then even when it ignores the token. In 2 of 6 runs of bench/faults.sh broker-stop-5s (before this
    /// bound) the registry's outbox published nothing more after the broker was back, and logged no failure either, while
    /// every receive endpoint consumed again: only a publish that neither completes nor observes its token (the
    /// client had just closed a channel mid-publish, "ObjectDisposedException on channel") explains that. With this
    /// bound such a publish counts as failed after <see cref="Timeout"/> and the message is tried again (at least
    /// once); the abandoned task finishes or fails on its own. docs/reliability.md.</summary>
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

    /// <summary><see cref="IPublishEndpoint.Publish{T}(T, CancellationToken)"/> within <see cref="Timeout"/>: a
    /// consumer that publishes never stays stuck behind a publish whose confirm never comes, so its receive
    /// endpoint can stop and reconnect once the broker is back.</summary>
    public static Task PublishBounded<T>(this IPublishEndpoint endpoint, T message, CancellationToken ct) where T : class =>
        RunAsync(token => endpoint.Publish(message, token), ct);

    /// <summary><see cref="ISendEndpoint.Send{T}(T, CancellationToken)"/> within <see cref="Timeout"/>.</summary>
    public static Task SendBounded<T>(this ISendEndpoint endpoint, T message, CancellationToken ct) where T : class =>
        RunAsync(token => endpoint.Send(message, token), ct);

    /// <summary>A response within <see cref="Timeout"/> (the requester has a timeout of its own).</summary>
    public static Task RespondBounded<T>(this ConsumeContext context, T message) where T : class =>
        RunAsync(_ => context.RespondAsync(message), context.CancellationToken);
}
