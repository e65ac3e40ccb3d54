using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ExApps.Bench;

/// <summary>Follows every app through <c>GET /admin/watch/apps</c> (Server-Sent Events) and notes when each app's
/// operation ended and how.</summary>
public sealed class AppWatch(string gatewayUrl, string token)
{
    public sealed record End(DateTimeOffset At, string Outcome);

    private readonly ConcurrentDictionary<string, End> _ended = new();

    public Task StartAsync() => Task.Run(async () =>
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{gatewayUrl}/admin/watch/apps");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        string? name = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event:")) name = line[6..].Trim();
            else if (line.StartsWith("data:") && name == "app") Note(line[5..].Trim());
        }
    });

    /// <summary>Every app view received, with when (for a trace of one install).</summary>
    public ConcurrentQueue<(DateTimeOffset At, string Json)> Seen { get; } = new();

    private void Note(string json)
    {
        Seen.Enqueue((DateTimeOffset.UtcNow, json));
        var app = JsonDocument.Parse(json).RootElement;
        if (app.GetProperty("operation").ValueKind != JsonValueKind.Null) return;
        if (app.GetProperty("last_operation") is not { ValueKind: JsonValueKind.Object } last) return;
        if (last.GetProperty("kind").GetString() != "install") return;
        _ended.TryAdd(app.GetProperty("appid").GetString()!, new End(DateTimeOffset.UtcNow, last.GetProperty("outcome").GetString()!));
    }

    /// <summary>Forgets the ends seen so far (a warm-up's), so that the same ids can be installed and waited for again.</summary>
    public void Forget(IEnumerable<string> ids)
    {
        foreach (var id in ids) _ended.TryRemove(id, out _);
    }

    /// <summary>The end of each of <paramref name="ids"/> seen within <paramref name="limit"/> (missing: stuck).</summary>
    public async Task<Dictionary<string, End>> WaitEndedAsync(IReadOnlySet<string> ids, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && !ids.All(_ended.ContainsKey)) await Task.Delay(20);
        return ids.Where(_ended.ContainsKey).ToDictionary(id => id, id => _ended[id]);
    }
}
