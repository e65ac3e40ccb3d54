using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace ExApps.Bench;

/// <summary>One fault during N concurrent manual installs (bench/faults.sh): how many ended enabled, with an
/// error, or stuck, how the admin API answered meanwhile, and how long after the fault ended the last install
/// finished.</summary>
public static class Faults
{
    public static async Task<object> RunAsync(string root, string fault, int count, HttpClient admin)
    {
        await using var platform = new Platform(root);
        await platform.StartAsync(1);
        await using var fleet = await Fleet.StartAsync(root, 25000, count, "x", platform.GatewayUrl);
        using (var r = await admin.PostAsJsonAsync($"{platform.GatewayUrl}/admin/daemons", new Dictionary<string, object>
               {
                   ["name"] = "bench_fleet", ["display_name"] = "Bench fleet", ["accepts_deploy_id"] = "manual-install",
                   ["protocol"] = "http", ["host"] = "127.0.0.1", ["nextcloud_url"] = platform.GatewayUrl,
               })) r.EnsureSuccessStatusCode();
        var watch = new AppWatch(platform.GatewayUrl, Platform.Token);
        _ = watch.StartAsync();
        await Task.Delay(500);

        var answers = new ConcurrentBag<int>();
        var ids = fleet.Ports.Select(fleet.AppId).ToHashSet();
        // Registrations go on while the fault happens: the API's answers meanwhile are part of the result.
        var registering = Task.Run(async () =>
        {
            using var gate = new SemaphoreSlim(16);
            await Task.WhenAll(fleet.Ports.Select(async port =>
            {
                await gate.WaitAsync();
                try
                {
                    for (var attempt = 0; attempt < 30; attempt++)
                    {
                        using var r = await admin.PostAsJsonAsync($"{platform.GatewayUrl}/admin/apps",
                            new { appid = fleet.AppId(port), daemon = "bench_fleet", json_info = fleet.JsonInfo(port) });
                        answers.Add((int)r.StatusCode);
                        if ((int)r.StatusCode is 202 or 409) return;
                        await Task.Delay(r.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1)); // as a client told to retry would
                    }
                }
                catch (HttpRequestException) { answers.Add(0); }
                finally { gate.Release(); }
            }));
        });
        await Task.Delay(800);
        var faultEnded = await InjectAsync(fault, platform);
        await registering;
        var ended = await watch.WaitEndedAsync(ids, TimeSpan.FromMinutes(5));
        var recovery = ended.Count == 0 ? double.NaN : (ended.Values.Max(e => e.At) - faultEnded).TotalSeconds;

        var removal = new ConcurrentBag<int>();
        if (fault == "delete-burst")
            await Task.WhenAll(ids.Select(async id => { using var r = await admin.DeleteAsync($"{platform.GatewayUrl}/admin/apps/{id}"); removal.Add((int)r.StatusCode); }));
        return new
        {
            fault, count,
            enabled = ended.Values.Count(e => e.Outcome == "enabled"),
            failed = ended.Values.Count(e => e.Outcome != "enabled"),
            stuck = count - ended.Count,
            answers_5xx_bare = answers.Count(a => a == 500),
            answers_503 = answers.Count(a => a == 503),
            answers_other = answers.Count(a => a is not (202 or 409 or 503 or 500)),
            recovery_after_fault_s = Math.Round(recovery, 1),
            deletes = fault == "delete-burst" ? removal.GroupBy(c => c).ToDictionary(g => g.Key.ToString(), g => g.Count()) : null,
        };
    }

    /// <summary>Injects the fault; returns when the dependency was back (or the fault ended).</summary>
    private static async Task<DateTimeOffset> InjectAsync(string fault, Platform platform)
    {
        switch (fault)
        {
            case "kill-lifecycle":
                await platform.KillAndRestartAsync("lifecycle0");
                break;
            case "kill-lifecycle-then-registry":
                await platform.KillAndRestartAsync("lifecycle0");
                await platform.KillAndRestartAsync("registry");
                break;
            case "broker-stop-5s":
                await Platform.Run("rabbitmqctl", "-q", "stop_app");
                await Task.Delay(TimeSpan.FromSeconds(5));
                await Platform.Run("rabbitmqctl", "-q", "start_app");
                break;
            case "postgres-restart":
                await Platform.Run("pg_ctlcluster", "15", "main", "restart");
                break;
            case "delete-burst":
                break; // the fault is the burst of unregistrations after the installs
            default:
                throw new ArgumentException("unknown fault " + fault);
        }
        return DateTimeOffset.UtcNow;
    }
}
