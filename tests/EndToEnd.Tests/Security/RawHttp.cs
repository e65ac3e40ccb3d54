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
        socket.Shutdown(SocketShutdown.Send);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer, cts.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // a reset after the answers is fine: what was read is what the server said
        }
        var text = Encoding.Latin1.GetString(buffer.ToArray());
        var statuses = StatusLine().Matches(text).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        return (statuses, text);
    }

    [GeneratedRegex(@"HTTP/1\.1 (\d{3}) ")]
    private static partial Regex StatusLine();
}
