namespace ExApps.Deployer.Consumers;

/// <summary>Deploys that outlived their message (see <see cref="DeployerOptions.MaxMessageHold"/>) go on here. On
/// shutdown they are cancelled: the copy of their message that is back in the queue lets another deployer finish.
/// The container disposes it twice (as itself and as the hosted service its factory returned), and a deploy may
/// still read <see cref="Stopping"/> then: disposing only cancels, as a <see cref="BackgroundService"/> does (a token
/// source without timers or a wait handle holds nothing to release).</summary>
public sealed class BackgroundDeploys(ILogger<BackgroundDeploys> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _running = [];

    public CancellationToken Stopping => _stopping.Token;

    public void Track(Task work)
    {
        lock (_running) _running.Add(work);
        work.ContinueWith(t =>
        {
            lock (_running) _running.Remove(t);
            if (t.Exception is { } e && !_stopping.IsCancellationRequested)
                logger.LogWarning("A deploy that went on after its message was handed back failed: {Reason}",
                    e.GetBaseException().Message);
        }, TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken ct)
    {
        await _stopping.CancelAsync();
        Task[] running;
        lock (_running) running = [.. _running];
        await Task.WhenAll(running).WaitAsync(ct).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Dispose() => _stopping.Cancel();
}
