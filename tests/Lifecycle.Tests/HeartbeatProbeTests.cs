using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ExApps.Contracts;
using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Machine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Tests;

/// <summary>While nothing listens at an ExApp's address (its container still starting), the heartbeat's tries after
/// the first refused one are plain TCP connects, not HTTP requests (docs/performance.md, "Docker installs at
/// scale"); once something listens, the heartbeat is the real request again.</summary>
public sealed class HeartbeatProbeTests : LifecycleTest
{
    [Fact]
    public async Task Tries_after_a_refused_one_connect_without_HTTP_until_the_ExApp_listens()
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        using var requests = HttpRequestsTo(port);
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:HeartbeatInterval", "00:00:00.100"));
        await using var placeholder = await StandInExApp.StartAsync();
        var app = NewApp(placeholder, docker: false);
        var install = app.Install() with { App = app.Spec() with { ExAppUrl = url } };

        await host.Publish(install);
        await Eventually.True(() => requests.Seen.Count > 0, "the first try");
        // Then tries after 50, 100, 200 and 400 ms, then every 100 ms: about ten more, all refused.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(["GET /heartbeat"], requests.Seen);

        await using var exApp = await StandInExApp.StartAsync(port);
        exApp.InitStatus = 404;
        var ended = await host.Ended(app.AppId, install.OperationId);

        Assert.Equal(Outcome.Enabled, ended.LastOperation!.Outcome);
        var failedTries = (await host.Published<HeartbeatOk>(app.AppId)).FailedTries;
        Assert.True(failedTries >= 5, $"{failedTries} failed tries");
        Assert.Equal(failedTries, ended.Status.HeartbeatCount);
        // The refused first try, then the one whose connect found the ExApp listening.
        Assert.Equal(2, requests.Seen.Count(r => r == "GET /heartbeat"));
        Assert.Single(exApp.Received("GET", "/heartbeat"));
    }

    [Fact]
    public async Task A_refused_probe_fails_the_try_with_the_HTTP_clients_own_words()
    {
        await using var provider = new ServiceCollection().AddHttpClient().AddSingleton(TimeProvider.System)
            .AddSingleton(Options.Create(new LifecycleOptions())).AddSingleton<ExAppClient>().BuildServiceProvider();
        var client = provider.GetRequiredService<ExAppClient>();
        var url = $"http://127.0.0.1:{FreePort()}";

        var http = await client.HeartbeatAsync(url, CancellationToken.None);
        var probed = await client.HeartbeatAsync(url, CancellationToken.None, probeFirst: true);

        Assert.Equal((false, true), (http.Ok, http.Refused));
        Assert.Equal(http, probed);
        Assert.Contains("Connection refused", probed.Error);

        // Something listening: the probe connects and the real request answers.
        await using var exApp = await StandInExApp.StartAsync();
        Assert.Equal(CallResult.Success, await client.HeartbeatAsync(exApp.Url, CancellationToken.None, probeFirst: true));
        Assert.Single(exApp.Received("GET", "/heartbeat"));
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>The HTTP client requests this process makes to a port (the client's own activities).</summary>
    private static RequestLog HttpRequestsTo(int port) => new(port);

    private sealed class RequestLog : IDisposable
    {
        private readonly ConcurrentQueue<string> _seen = new();
        private readonly ActivityListener _listener;

        public RequestLog(int port)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "System.Net.Http",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = activity =>
                {
                    if (activity.GetTagItem("url.full") is string u && new Uri(u).Port == port)
                        _seen.Enqueue($"{activity.GetTagItem("http.request.method")} {new Uri(u).AbsolutePath}");
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<string> Seen => _seen.ToList();

        public void Dispose() => _listener.Dispose();
    }
}
