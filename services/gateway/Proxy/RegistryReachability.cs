using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Proxy;

/// <summary>Whether the registry accepts connections, as the admin routes last found it. When a forward finds it
/// refusing them (a restart takes a second or two), one probe connects to it every <see cref="ProbeInterval"/>
/// until it accepts again, and admin requests wait for that (up to <see cref="GatewayOptions.AdminRegistryWait"/>)
/// instead of answering 503 at once: a client's request then goes through the moment the registry is back, not
/// after its <c>Retry-After</c>.</summary>
public sealed class RegistryReachability(IOptions<GatewayOptions> options, ILogger<RegistryReachability> log) : IDisposable
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource? _back; // set while the registry is known to refuse connections

    public bool Refusing => Volatile.Read(ref _back) is not null;

    /// <summary>True at once when the registry is not known to refuse connections; otherwise waits until it accepts
    /// them again (true) or <paramref name="budget"/> passed (false).</summary>
    public async Task<bool> WaitAsync(TimeSpan budget, CancellationToken ct)
    {
        var back = Volatile.Read(ref _back);
        if (back is null) return true;
        if (budget <= TimeSpan.Zero) return false;
        try
        {
            await back.Task.WaitAsync(budget, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>A forward could not connect to the registry: probe it until it accepts connections again.</summary>
    public void Refused()
    {
        TaskCompletionSource back;
        lock (_gate)
        {
            if (_back is not null) return;
            _back = back = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        log.LogWarning("The registry refuses connections; admin requests wait up to {Wait} s for it",
            options.Value.AdminRegistryWait.TotalSeconds);
        _ = ProbeAsync(back);
    }

    private async Task ProbeAsync(TaskCompletionSource back)
    {
        var registry = new Uri(options.Value.RegistryUrl);
        var started = Environment.TickCount64;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                attempt.CancelAfter(TimeSpan.FromSeconds(1));
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(registry.Host, registry.Port, attempt.Token);
                break;
            }
            catch (Exception) when (!_stopping.IsCancellationRequested)
            {
                try { await Task.Delay(ProbeInterval, _stopping.Token); }
                catch (OperationCanceledException) { break; }
            }
        }
        lock (_gate) _back = null;
        back.TrySetResult();
        if (!_stopping.IsCancellationRequested)
            log.LogInformation("The registry accepts connections again after {Seconds:0.0} s", (Environment.TickCount64 - started) / 1000.0);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
