using System.Net;
using System.Net.Sockets;

namespace ExApps.Lifecycle.ExAppHttp;

/// <summary>A plain TCP connect to an ExApp's address. While an ExApp starts (a container loading its runtime), every
/// heartbeat try is refused; through the HTTP client a refusal is an exception thrown up through its handlers, about
/// five times the CPU of this probe, whose socket error comes back as a value (docs/performance.md, "Docker installs
/// at scale").</summary>
internal static class ConnectProbe
{
    /// <summary>True when the connection was refused. False when it connected (closed again at once) or failed in
    /// any other way: the caller then makes the real request, whose answer or error is the one that counts.</summary>
    public static async Task<bool> RefusedAsync(Uri uri, TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        var host = uri.IdnHost;
        using var args = new SocketAsyncEventArgs
        {
            RemoteEndPoint = IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, uri.Port) : new DnsEndPoint(host, uri.Port),
        };
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        args.Completed += (_, _) => done.TrySetResult();
        if (Socket.ConnectAsync(SocketType.Stream, ProtocolType.Tcp, args))
        {
            using var timer = new CancellationTokenSource(timeout, clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
            await using (linked.Token.Register(() => Socket.CancelConnectAsync(args)))
                await done.Task;
        }
        args.ConnectSocket?.Dispose();
        ct.ThrowIfCancellationRequested();
        return args.SocketError == SocketError.ConnectionRefused;
    }

    /// <summary>Whether the HTTP client reaches <paramref name="uri"/> through a proxy (the environment's
    /// <c>HTTP_PROXY</c> and the like): a refused connect to the ExApp itself would then say nothing.</summary>
    public static bool ThroughProxy(Uri uri)
    {
        var proxy = HttpClient.DefaultProxy;
        return !proxy.IsBypassed(uri) && proxy.GetProxy(uri) is not null;
    }

    /// <summary>A refusal as the HTTP client reports it ("Connection refused (host:port)").</summary>
    public static bool IsRefusal(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.ConnectionError
        && e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };

    public static string RefusalMessage(Uri uri) =>
        $"{new SocketException((int)SocketError.ConnectionRefused).Message} ({uri.IdnHost}:{uri.Port})";
}
