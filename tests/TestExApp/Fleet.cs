using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ExApps.TestExApp;

/// <summary>Many ExApps in one process, one per port (TEST_FLEET_PORTS=24000-24099): the app on port p is
/// <c>{TEST_FLEET_PREFIX}{p}</c> with secret <c>{TEST_FLEET_SECRET}{p}</c>, version TEST_FLEET_VERSION. Each
/// answers its heartbeat, accepts <c>POST /init</c> and reports 0, 50 and 100 at once (as a fast ExApp does), and
/// accepts <c>PUT /enabled</c>; <c>GET /test/state</c> tells what its port received. Lets tests and benchmarks
/// run hundreds of manual installs without hundreds of processes.</summary>
public sealed record FleetSettings(int FirstPort, int LastPort, string Prefix, string SecretSeed, string Version,
    string NextcloudUrl)
{
    /// <summary>TEST_FLEET_HOLD_ENABLED=1: <c>PUT /enabled</c> answers only once the test calls
    /// <c>POST /test/release-enabled</c> (on any port of the fleet), so that the answers arrive when the test
    /// chooses (while a server is away, say).</summary>
    public bool HoldEnabled { get; init; }

    public static FleetSettings? FromEnvironment()
    {
        if (Environment.GetEnvironmentVariable("TEST_FLEET_PORTS") is not { Length: > 0 } ports) return null;
        var parts = ports.Split('-');
        return new FleetSettings(int.Parse(parts[0]), int.Parse(parts[^1]),
            Environment.GetEnvironmentVariable("TEST_FLEET_PREFIX") ?? "fleet-",
            Environment.GetEnvironmentVariable("TEST_FLEET_SECRET") ?? "fleet-secret-",
            Environment.GetEnvironmentVariable("TEST_FLEET_VERSION") ?? "1.0.0",
            (Environment.GetEnvironmentVariable("NEXTCLOUD_URL") ?? throw new InvalidOperationException("NEXTCLOUD_URL is required.")).TrimEnd('/'))
        {
            HoldEnabled = Environment.GetEnvironmentVariable("TEST_FLEET_HOLD_ENABLED") == "1",
        };
    }

    public string AppId(int port) => Prefix + port;
    public string Secret(int port) => SecretSeed + port;
}

public static class FleetApp
{
    private sealed class PortState
    {
        public int InitCalls;
        public int HeaderFailures;
        public readonly ConcurrentQueue<int> EnabledCalls = new();
        public readonly ConcurrentQueue<ProgressReport> Reports = new();
    }

    public static void Run(FleetSettings fleet)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.UseUrls(Enumerable.Range(fleet.FirstPort, fleet.LastPort - fleet.FirstPort + 1)
            .Select(p => $"http://127.0.0.1:{p}").ToArray());
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default);
        });
        var app = builder.Build();
        var states = new ConcurrentDictionary<int, PortState>();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(30) };
        PortState StateOf(HttpContext c) => states.GetOrAdd(c.Connection.LocalPort, _ => new PortState());

        var enabledReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.MapGet("/heartbeat", () => TypedResults.Ok(new StatusBody("ok")));
        app.MapPost("/init", (HttpContext c) =>
        {
            var port = c.Connection.LocalPort;
            var state = StateOf(c); // the context is not to be touched once the answer is sent
            if (!Authorized(c, fleet, port)) { Interlocked.Increment(ref state.HeaderFailures); return Results.StatusCode(401); }
            Interlocked.Increment(ref state.InitCalls);
            c.Response.OnCompleted(() =>
            {
                _ = Task.Run(async () =>
                {
                    foreach (var p in new[] { 0, 50, 100 })
                    {
                        var status = await ReportAsync(http, fleet, port, p);
                        state.Reports.Enqueue(new ProgressReport(p, null, status));
                    }
                });
                return Task.CompletedTask;
            });
            return Results.Ok(new EmptyBody());
        });
        app.MapPut("/enabled", async (HttpContext c, int enabled) =>
        {
            if (!Authorized(c, fleet, c.Connection.LocalPort)) { Interlocked.Increment(ref StateOf(c).HeaderFailures); return Results.StatusCode(401); }
            StateOf(c).EnabledCalls.Enqueue(enabled);
            if (fleet.HoldEnabled) await enabledReleased.Task;
            return Results.Ok(new EnabledBody(""));
        });
        app.MapPost("/test/release-enabled", () =>
        {
            enabledReleased.TrySetResult();
            return Results.Ok(new EmptyBody());
        });
        app.MapGet("/test/state", (HttpContext c) =>
        {
            var s = StateOf(c);
            var port = c.Connection.LocalPort;
            return Results.Ok(new StateSnapshot(fleet.AppId(port), fleet.Version, Volatile.Read(ref s.InitCalls),
                [.. s.EnabledCalls], Volatile.Read(ref s.HeaderFailures), [.. s.Reports], false, new Dictionary<string, string>()));
        });
        app.Logger.LogInformation("Fleet of {Count} ExApps on ports {First}-{Last}", fleet.LastPort - fleet.FirstPort + 1,
            fleet.FirstPort, fleet.LastPort);
        app.Run();
    }

    private static bool Authorized(HttpContext c, FleetSettings fleet, int port)
    {
        var h = c.Request.Headers;
        if (h["EX-APP-ID"].ToString() != fleet.AppId(port) || h["EX-APP-VERSION"].ToString() != fleet.Version) return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(h["AUTHORIZATION-APP-API"].ToString()));
            var secret = decoded[(decoded.LastIndexOf(':') + 1)..];
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(fleet.Secret(port)));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>One report, retried a few times when the platform cannot be reached; the HTTP status (0: none).</summary>
    private static async Task<int> ReportAsync(HttpClient http, FleetSettings fleet, int port, int progress)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, $"{fleet.NextcloudUrl}/ocs/v1.php/apps/app_api/ex-app/status?format=json")
                {
                    Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new StatusReportBody(progress, null), AppJsonContext.Default.StatusReportBody)),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("EX-APP-ID", fleet.AppId(port));
                request.Headers.TryAddWithoutValidation("EX-APP-VERSION", fleet.Version);
                request.Headers.TryAddWithoutValidation("AUTHORIZATION-APP-API", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + fleet.Secret(port))));
                request.Headers.TryAddWithoutValidation("AA-VERSION", "32.0.0");
                request.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
                using var response = await http.SendAsync(request);
                return (int)response.StatusCode;
            }
            catch (Exception) when (attempt < 10)
            {
                await Task.Delay(200 * attempt);
            }
            catch (Exception)
            {
                return 0;
            }
        }
    }
}
