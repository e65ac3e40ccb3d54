using System.Net;
using System.Net.Sockets;

namespace ExApps.EndToEnd.Tests.Faults;

/// <summary>A TCP port on 127.0.0.1 forwarding to the Docker socket, which a test can cut (every connection drops,
/// new ones are refused) and restore: a Docker engine outage without touching the host's dockerd, which other
/// tests and the test brokers need.</summary>
public sealed class SocketForward : IAsyncDisposable
{
    private readonly string _socketPath;
    private TcpListener? _listener;
    private CancellationTokenSource _cut = new();

    private SocketForward(string socketPath, int port)
    {
        _socketPath = socketPath;
        Port = port;
    }

    public int Port { get; }

    public static SocketForward Start(string socketPath)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var forward = new SocketForward(socketPath, port);
        forward.Restore();
        return forward;
    }

    /// <summary>The engine "goes away": open connections are dropped and new ones refused.</summary>
    public void Cut()
    {
        _cut.Cancel();
        _listener?.Stop();
        _listener = null;
    }

    /// <summary>The engine is back (a no-op while it is reachable).</summary>
    public void Restore()
    {
        if (_listener is not null)
        {
            return;
        }
        _cut = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        var listener = _listener;
        var cut = _cut.Token;
        _ = Task.Run(async () =>
        {
            while (!cut.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync(cut); }
                catch (Exception) { return; }
                _ = PumpAsync(client, cut);
            }
        }, cut);
    }

    private async Task PumpAsync(TcpClient client, CancellationToken cut)
    {
        using (client)
        using (var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), cut);
                await using var engine = new NetworkStream(upstream, ownsSocket: false);
                var local = client.GetStream();
                await Task.WhenAny(local.CopyToAsync(engine, cut), engine.CopyToAsync(local, cut));
            }
            catch (Exception)
            {
                // a cut or a closed side: the connection ends
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
