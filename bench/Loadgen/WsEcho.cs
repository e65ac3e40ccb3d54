using System.Diagnostics;
using System.Net.WebSockets;

namespace ExApps.Bench;

/// <summary>WebSocket echo round trips: <c>conns</c> connections, each sending a small text message and waiting
/// for its echo, again and again for <c>duration</c>. Reports the round trip's median and p99 and the echoes per
/// second of all connections together.</summary>
public static class WsEcho
{
    public static async Task<object> RunAsync(Uri url, TimeSpan duration, int conns, IReadOnlyDictionary<string, string> headers)
    {
        var sockets = new List<ClientWebSocket>();
        for (var i = 0; i < conns; i++)
        {
            var ws = new ClientWebSocket();
            foreach (var (k, v) in headers) ws.Options.SetRequestHeader(k, v);
            await ws.ConnectAsync(url, CancellationToken.None);
            sockets.Add(ws);
        }
        var payload = "echo-0123456789-0123456789-0123456789"u8.ToArray();
        // Warm-up, then the measured period.
        await Task.WhenAll(sockets.Select(ws => EchoAsync(ws, payload, TimeSpan.FromSeconds(1), null)));
        var samples = new List<double>[conns];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(sockets.Select((ws, i) => EchoAsync(ws, payload, duration, samples[i] = [])));
        var elapsed = clock.Elapsed.TotalSeconds;
        foreach (var ws in sockets)
        {
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            ws.Dispose();
        }
        var all = samples.SelectMany(s => s).Order().ToList();
        return new
        {
            url = url.ToString(), conns, echoes = all.Count, echoes_per_s = Math.Round(all.Count / elapsed),
            rtt_median_us = Math.Round(all[(all.Count - 1) / 2] * 1000), rtt_p99_us = Math.Round(all[(int)(all.Count * 0.99)] * 1000),
        };
    }

    private static async Task EchoAsync(ClientWebSocket ws, byte[] payload, TimeSpan duration, List<double>? samples)
    {
        var buffer = new byte[4096];
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            var t = Stopwatch.GetTimestamp();
            await ws.SendAsync(payload, WebSocketMessageType.Text, true, CancellationToken.None);
            var received = 0;
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer.AsMemory(received), CancellationToken.None);
                received += r.Count;
                if (r.EndOfMessage) break;
            }
            if (received != payload.Length) throw new InvalidOperationException($"echo of {received} bytes, sent {payload.Length}");
            samples?.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
    }
}
