using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExApps.Lifecycle.Tests;

/// <summary>A request the stand-in ExApp received, with its headers (names lower-cased).</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset At);

/// <summary>A real HTTP server on 127.0.0.1 (ephemeral port) answering the ExApp endpoints the lifecycle calls;
/// each test sets its behaviour and reads what it received.</summary>
public sealed class StandInExApp : IAsyncDisposable
{
    public const int NeverReady = int.MaxValue;

    private readonly WebApplication _app;
    private int _heartbeats;

    private StandInExApp(WebApplication app) => _app = app;

    /// <summary>How many heartbeats answer 503 before one answers <c>{"status":"ok"}</c>; may change mid-test.</summary>
    public int HeartbeatFailures { get; set; }

    /// <summary>Status code of <c>POST /init</c>.</summary>
    public int InitStatus { get; set; } = StatusCodes.Status200OK;

    /// <summary>The <c>error</c> of the <c>PUT /enabled?enabled=1</c> answer.</summary>
    public string EnableError { get; set; } = "";

    /// <summary>The <c>error</c> of the <c>PUT /enabled?enabled=0</c> answer.</summary>
    public string DisableError { get; set; } = "";

    /// <summary><c>POST /init</c> answers once this task completes (to hold an init call open).</summary>
    public Task InitAnswersAfter { get; set; } = Task.CompletedTask;

    /// <summary><c>PUT /enabled</c> answers once this task completes (to hold an enable open mid-call).</summary>
    public Task EnableAnswersAfter { get; set; } = Task.CompletedTask;

    public string Url { get; private set; } = "";

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int HeartbeatCount => Volatile.Read(ref _heartbeats);

    public IReadOnlyList<RecordedRequest> Received(string method, string path) =>
        Requests.Where(r => r.Method == method && r.PathAndQuery.Split('?')[0] == path).ToList();

    /// <param name="port">0 for an ephemeral port.</param>
    public static async Task<StandInExApp> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var standIn = new StandInExApp(app);
        app.Run(standIn.HandleAsync);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        standIn.Url = addresses.Addresses.Single();
        return standIn;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Requests.Enqueue(new RecordedRequest(request.Method, request.Path + request.QueryString,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), DateTimeOffset.UtcNow));
        var response = context.Response;
        switch (request.Method, request.Path.Value)
        {
            case ("GET", "/heartbeat"):
                if (Interlocked.Increment(ref _heartbeats) > HeartbeatFailures)
                    await response.WriteAsJsonAsync(new Dictionary<string, string> { ["status"] = "ok" });
                else
                    response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                break;
            case ("POST", "/init"):
                await InitAnswersAfter;
                response.StatusCode = InitStatus;
                break;
            case ("PUT", "/enabled"):
                await EnableAnswersAfter;
                var error = request.Query["enabled"] == "0" ? DisableError : EnableError;
                await response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = error });
                break;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
