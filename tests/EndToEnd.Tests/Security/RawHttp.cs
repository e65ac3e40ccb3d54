using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace ExApps.EndToEnd.Tests.Security;

/// <summary>Sends bytes exactly as written (HttpClient would normalize paths and refuse malformed headers) and reads
/// every answer the server gives on that connection until it closes it.</summary>
public static partial class RawHttp
{
    public static async Task<(IReadOnlyList<int> Statuses, string Text)> SendAsync(string baseUrl, string request, string fromIp = "127.0.0.1")
    {
        var uri = new Uri(baseUrl);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(fromIp), 0));
        await socket.ConnectAsync(uri.Host, uri.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.Replace("{host}", uri.Authority)));
        // Read until the server closes the connection, or has sent nothing more for a while (a kept-alive
        // connection after the last answer).
        var buffer = new MemoryStream();
        var chunk = new byte[16384];
        while (true)
        {
            using var idle = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            int n;
            try
            {
                n = await stream.ReadAsync(chunk, idle.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                break; // reset or idle: what was read is what the server said
            }
            if (n == 0) break;
            buffer.Write(chunk, 0, n);
        }
        var text = Encoding.Latin1.GetString(buffer.ToArray());
        var statuses = StatusLine().Matches(text).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        return (statuses, text);
    }

    [GeneratedRegex(@"HTTP/1\.1 (\d{3}) ")]
    private static partial Regex StatusLine();
}
