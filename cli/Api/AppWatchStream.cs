using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace ExApps.Cli.Api;

/// <summary>Follows one app live: <c>GET /admin/apps/{appid}/watch</c> (Server-Sent Events) yields the app's view
/// at once and again whenever it changes, and ends when the app is removed.</summary>
public sealed class AppWatchStream(Uri baseUrl, string token, HttpMessageHandler? handler = null)
{
    public async IAsyncEnumerable<AppView> WatchAsync(string appId, [EnumeratorCancellation] CancellationToken ct)
    {
        // Its own client: a stream stays open for as long as the install runs, past any request timeout.
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, $"admin/apps/{Uri.EscapeDataString(appId)}/watch"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("text/event-stream");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw ApiException.Unreachable(baseUrl, ex.Message, ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw ApiException.FromResponse((int)response.StatusCode, response.ReasonPhrase,
                    await response.Content.ReadAsStringAsync(ct));
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var reader = new StreamReader(body, Encoding.UTF8);
            string? name = null;
            var data = new StringBuilder();
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(ct);
                }
                catch (IOException ex)
                {
                    throw ApiException.Unreachable(baseUrl, ex.Message, ex);
                }
                if (line is null) yield break; // the platform closed the stream
                if (line.Length == 0)
                {
                    if (name == "removed") yield break;
                    if (name == "app" && data.Length > 0)
                        yield return JsonSerializer.Deserialize<AppView>(data.ToString(), Json.Api)
                            ?? throw new ApiException(ApiFailure.Unexpected, "The platform sent an empty app view.");
                    name = null;
                    data.Clear();
                }
                else if (line.StartsWith("event:", StringComparison.Ordinal)) name = line[6..].Trim();
                else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line[5..].TrimStart());
            }
        }
    }
}
