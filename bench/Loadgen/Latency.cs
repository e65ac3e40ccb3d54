using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ExApps.Bench;

/// <summary>Install latency of a manual-install ExApp that reports init at once (the fleet's apps report 0, 50, 100
/// right after <c>POST /init</c>), one install at a time, against the HTTP round trips such an install is made of,
/// measured on the same ExApp in the same run: <c>GET /heartbeat</c>, <c>POST /init</c> and
/// <c>PUT /enabled?enabled=1</c> on the ExApp, and its three status reports through the gateway.</summary>
public static class Latency
{
    public static async Task<object> RunAsync(Fleet fleet, AppWatch watch, int count, string gatewayUrl,
        Func<string, JsonElement, Task<double>> install)
    {
        var ports = fleet.Ports.ToList();
        await Task.Delay(500);
        await install(fleet.AppId(ports[0]), fleet.JsonInfo(ports[0])); // warms every path up
        var totals = new List<double>();
        var steps = new Dictionary<string, List<double>>();
        foreach (var port in ports.Skip(1))
        {
            var id = fleet.AppId(port);
            var t0 = DateTimeOffset.UtcNow;
            totals.Add(await install(id, fleet.JsonInfo(port)));
            // When each step was first shown, after the POST (the registry's view, as the console and CLI see it).
            foreach (var (at, json) in watch.Seen.Where(s => s.At >= t0 && s.Json.Contains($"\"appid\":\"{id}\"")))
            {
                var op = JsonDocument.Parse(json).RootElement.GetProperty("current_operation");
                var step = op.ValueKind == JsonValueKind.Null ? "ended" : op.GetProperty("step").GetString()!;
                if (!steps.TryGetValue(step, out var list)) steps[step] = list = [];
                if (list.Count < totals.Count) list.Add((at - t0).TotalMilliseconds);
            }
        }

        // The same calls the platform makes, made directly (warm connections, as the platform's are).
        var own = await OwnRoundTripsAsync(fleet, ports[0], gatewayUrl);
        var ownTotal = own["heartbeat"] + own["init"] + own["enabled"] + 3 * own["status_report"];
        var median = Median(totals);
        return new
        {
            installs = count,
            register_to_enabled_ms = new { median, min = Math.Round(totals.Min(), 1), max = Math.Round(totals.Max(), 1) },
            exapp_round_trips_ms = own.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 2)),
            exapp_total_ms = Math.Round(ownTotal, 2),
            ratio = Math.Round(median / ownTotal, 1),
            step_first_seen_ms = steps.OrderBy(kv => Median(kv.Value)).ToDictionary(kv => kv.Key, kv => Median(kv.Value)),
        };
    }

    private static async Task<Dictionary<string, double>> OwnRoundTripsAsync(Fleet fleet, int port, string gatewayUrl)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false });
        var id = fleet.AppId(port);
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + Fleet.SecretSeed + port));
        HttpRequestMessage Request(HttpMethod method, string url, string? body = null)
        {
            var r = new HttpRequestMessage(method, url);
            r.Headers.TryAddWithoutValidation("EX-APP-ID", id);
            r.Headers.TryAddWithoutValidation("EX-APP-VERSION", "1.0.0");
            r.Headers.TryAddWithoutValidation("AUTHORIZATION-APP-API", auth);
            r.Headers.TryAddWithoutValidation("AA-VERSION", "32.0.0");
            r.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
            if (body is not null) r.Content = new StringContent(body, Encoding.UTF8, "application/json");
            return r;
        }
        var app = $"http://127.0.0.1:{port}";
        var calls = new (string Name, Func<HttpRequestMessage> Make)[]
        {
            ("heartbeat", () => new HttpRequestMessage(HttpMethod.Get, app + "/heartbeat")),
            ("init", () => Request(HttpMethod.Post, app + "/init", "{}")),
            ("enabled", () => Request(HttpMethod.Put, app + "/enabled?enabled=1", "{}")),
            // The app is enabled and idle: the lifecycle ignores the report, the gateway's round trip is what counts.
            ("status_report", () => Request(HttpMethod.Put, gatewayUrl + "/ocs/v1.php/apps/app_api/ex-app/status?format=json", "{\"progress\":100}")),
        };
        var result = new Dictionary<string, double>();
        foreach (var (name, make) in calls)
        {
            var times = new List<double>();
            for (var i = 0; i < 25; i++)
            {
                using var request = make();
                var t = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{name}: {(int)response.StatusCode}");
                if (i >= 5) times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds); // the first ones warm up
                await Task.Delay(20);
            }
            result[name] = Median(times);
        }
        return result;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : Math.Round(sorted[(sorted.Count - 1) / 2], 1);
    }
}
