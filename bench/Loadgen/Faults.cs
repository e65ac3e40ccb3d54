using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using ExApps.TestSupport;

namespace ExApps.Bench;

/// <summary>One fault during N concurrent manual installs (bench/faults.sh): how many ended enabled, with an
/// error, or stuck, how the admin API answered meanwhile, and how long after the fault ended the last install
/// finished. The platform runs on a broker and a PostgreSQL server of its own (containers), so stopping them
/// disturbs nothing else on the machine.</summary>
public static class Faults
{
    public const int GatewayPort = 29080;
    public const int FleetPort = 26000;

    public static readonly string[] Known =
    [
        "none", "kill-lifecycle", "kill-lifecycle-then-registry", "kill-registry", "kill-gateway", "broker-stop-5s",
        "postgres-restart", "delete-burst", "stop-lifecycle", "stop-registry", "stop-gateway",
        "stop-deployer",
    ];

    public static async Task<object> RunAsync(string root, string fault, int count, HttpClient admin)
    {
        if (!Known.Contains(fault)) throw new ArgumentException($"unknown fault {fault}; one of {string.Join(", ", Known)}");
        await using var broker = await RabbitMqContainer.StartAsync();
        await using var database = await PostgresContainer.StartAsync();
        var servers = new Dictionary<string, string>(broker.ServiceSettings)
        {
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
        };
        await using var platform = new Platform(root, GatewayPort, servers);
        await platform.StartAsync(1);
        await using var fleet = await Fleet.StartAsync(root, FleetPort, count, "x", platform.GatewayUrl);
        using (var r = await admin.PostAsJsonAsync($"{platform.GatewayUrl}/admin/daemons", new Dictionary<string, object>
               {
                   ["name"] = "bench_fleet", ["display_name"] = "Bench fleet", ["accepts_deploy_id"] = "manual-install",
                   ["protocol"] = "http", ["host"] = "127.0.0.1", ["nextcloud_url"] = platform.GatewayUrl,
               })) r.EnsureSuccessStatusCode();
        var ids = fleet.Ports.Select(fleet.AppId).ToHashSet();
        var ends = new EndWatch(platform.GatewayUrl, admin);
        using var watching = new CancellationTokenSource();
        var follow = ends.FollowAsync(ids, watching.Token);

        var answers = new ConcurrentBag<int>();
        var started = DateTimeOffset.UtcNow;
        // Registrations go on while the fault happens: the API's answers meanwhile are part of the result.
        var registering = Task.Run(async () =>
        {
            using var gate = new SemaphoreSlim(16);
            await Task.WhenAll(fleet.Ports.Select(async port =>
            {
                await gate.WaitAsync();
                try
                {
                    for (var attempt = 0; attempt < 60; attempt++)
                    {
                        try
                        {
                            using var r = await admin.PostAsJsonAsync($"{platform.GatewayUrl}/admin/apps",
                                new { appid = fleet.AppId(port), daemon = "bench_fleet", json_info = fleet.JsonInfo(port) });
                            answers.Add((int)r.StatusCode);
                            if ((int)r.StatusCode is 202 or 409) return;
                            // as a client told to retry would
                            await Task.Delay(r.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                        }
                        catch (HttpRequestException)
                        {
                            answers.Add(0); // the gateway itself is away (kill-gateway): try again shortly
                            await Task.Delay(500);
                        }
                    }
                }
                finally { gate.Release(); }
            }));
        });
        await Task.Delay(800);
        var faultStarted = DateTimeOffset.UtcNow;
        var (faultEnded, exitCode) = await InjectAsync(fault, platform, broker, database);
        await registering;
        var ended = await ends.WaitAsync(ids, TimeSpan.FromMinutes(5));
        double? recovery = ended.Count == 0 ? null : Math.Round(Math.Max(0, (ended.Values.Max(e => e.At) - faultEnded).TotalSeconds), 1);

        var removal = new ConcurrentBag<int>();
        if (fault == "delete-burst")
            await Task.WhenAll(ids.Select(async id =>
            {
                using var r = await admin.DeleteAsync($"{platform.GatewayUrl}/admin/apps/{id}");
                removal.Add((int)r.StatusCode);
            }));
        await watching.CancelAsync();
        return new
        {
            fault, count,
            enabled = ended.Values.Count(e => e.Outcome == "enabled"),
            failed = ended.Values.Count(e => e.Outcome != "enabled"),
            errors = ended.Values.Where(e => e.Outcome != "enabled").Select(e => e.Error).Distinct().Take(3).ToList(),
            stuck = count - ended.Count,
            answers_500 = answers.Count(a => a == 500),
            answers_503 = answers.Count(a => a == 503),
            answers_unreachable = answers.Count(a => a == 0),
            answers_other = answers.Count(a => a is not (0 or 202 or 409 or 503 or 500)),
            fault_s = Math.Round((faultEnded - faultStarted).TotalSeconds, 1),
            all_ended_s = ended.Count == 0 ? (double?)null : Math.Round((ended.Values.Max(e => e.At) - started).TotalSeconds, 1),
            recovery_after_fault_s = recovery,
            stopped_exit_code = exitCode,
            deletes = fault == "delete-burst" ? removal.GroupBy(c => c).ToDictionary(g => g.Key.ToString(), g => g.Count()) : null,
        };
    }

    /// <summary>Injects the fault; returns when the dependency was back (or the fault ended), and for a graceful
    /// stop (<c>stop-*</c>: SIGTERM, as <c>docker stop</c> or systemd sends) the exit code of the stopped
    /// service.</summary>
    private static async Task<(DateTimeOffset, int?)> InjectAsync(string fault, Platform platform,
        RabbitMqContainer broker, PostgresContainer database)
    {
        if (fault.StartsWith("stop-", StringComparison.Ordinal))
        {
            var service = fault["stop-".Length..];
            var exit = await platform.StopAndRestartAsync(service is "lifecycle" or "deployer" ? service + "0" : service);
            return (DateTimeOffset.UtcNow, exit);
        }
        switch (fault)
        {
            case "kill-lifecycle":
                await platform.KillAndRestartAsync("lifecycle0");
                break;
            case "kill-lifecycle-then-registry":
                await platform.KillAndRestartAsync("lifecycle0");
                await platform.KillAndRestartAsync("registry");
                break;
            case "kill-registry":
                await platform.KillAndRestartAsync("registry");
                break;
            case "kill-gateway":
                await platform.KillAndRestartAsync("gateway");
                break;
            case "broker-stop-5s":
                await broker.StopAsync();
                await Task.Delay(TimeSpan.FromSeconds(5));
                await broker.StartAgainAsync();
                break;
            case "postgres-restart":
                await database.StopAsync();
                await database.StartAgainAsync();
                break;
            case "none": // the baseline: the same installs without a fault
            case "delete-burst":
                break; // the fault is the burst of unregistrations after the installs
        }
        return (DateTimeOffset.UtcNow, null);
    }
}

/// <summary>When each app's install ended and how, from <c>GET /admin/apps</c> every 250 ms: a poll survives the
/// restarts of the services it reads from, which a stream would have to reconnect across.</summary>
public sealed class EndWatch(string gatewayUrl, HttpClient admin)
{
    public sealed record End(DateTimeOffset At, string Outcome, string? Error);

    private readonly ConcurrentDictionary<string, End> _ended = new();

    public async Task FollowAsync(IReadOnlySet<string> ids, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var r = await admin.GetAsync($"{gatewayUrl}/admin/apps", ct);
                if (r.IsSuccessStatusCode)
                {
                    var now = DateTimeOffset.UtcNow;
                    foreach (var app in (await r.Content.ReadFromJsonAsync<JsonElement>(ct)).EnumerateArray())
                    {
                        var id = app.GetProperty("appid").GetString()!;
                        if (!ids.Contains(id) || _ended.ContainsKey(id)) continue;
                        if (app.GetProperty("operation").ValueKind != JsonValueKind.Null) continue;
                        if (app.GetProperty("last_operation") is not { ValueKind: JsonValueKind.Object } last) continue;
                        if (last.GetProperty("kind").GetString() != "install") continue;
                        var error = app.GetProperty("status").TryGetProperty("error", out var e) ? e.ToString() : null;
                        _ended.TryAdd(id, new End(now, last.GetProperty("outcome").GetString()!, error));
                    }
                }
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // a service restarting: the next poll reads again
            }
            try { await Task.Delay(250, ct); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>The end of each of <paramref name="ids"/> seen within <paramref name="limit"/> (missing: stuck).</summary>
    public async Task<Dictionary<string, End>> WaitAsync(IReadOnlySet<string> ids, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && !ids.All(_ended.ContainsKey)) await Task.Delay(50);
        return ids.Where(_ended.ContainsKey).ToDictionary(id => id, id => _ended[id]);
    }
}
