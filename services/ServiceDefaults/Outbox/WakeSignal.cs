using System.Threading.Channels;

namespace ExApps.ServiceDefaults.Outbox;

/// <summary>Wakes a polling worker early so that new work is picked up at once instead of at the next poll. Wakes
/// that arrive while nobody waits collapse into one.</summary>
public class WakeSignal
{
    private readonly Channel<bool> _wakes = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wakes.Writer.TryWrite(true);

    /// <summary>Returns after a wake or after <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        if (_wakes.Reader.TryRead(out _)) return;
        using var timer = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await _wakes.Reader.WaitToReadAsync(linked.Token);
            _wakes.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // the timeout: time for the next poll
        }
    }
}
