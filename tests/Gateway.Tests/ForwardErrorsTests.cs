using System.Net;
using System.Net.Sockets;
using ExApps.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace ExApps.Gateway.Tests;

/// <summary>What the admin route does when the registry refuses connections (Proxy/ForwardErrors.cs): the request is
/// sent again once the registry is back, never in a tight loop, and answered 503 past the wait.</summary>
public sealed class ForwardErrorsTests
{
    private sealed class Failure(ForwarderError error, Exception exception) : IForwarderErrorFeature
    {
        public ForwarderError Error { get; } = error;
        public Exception? Exception { get; } = exception;
    }

    private static readonly Failure Refused = new(ForwarderError.Request,
        new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)));

    private static DefaultHttpContext Context(int registryPort, TimeSpan wait)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails();
        services.AddSingleton(Options.Create(new GatewayOptions { RegistryUrl = $"http://127.0.0.1:{registryPort}", AdminRegistryWait = wait }));
        services.AddSingleton<RegistryReachability>();
        var http = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        http.Request.Method = "POST";
        http.Request.Path = "/admin/apps";
        http.Response.Body = new MemoryStream();
        return http;
    }

    /// <summary>One forward attempt as YARP makes it: the failure sets the error feature and 502.</summary>
    private static Task Attempt(HttpContext http, bool refused)
    {
        if (refused)
        {
            http.Features.Set<IForwarderErrorFeature>(Refused);
            http.Response.StatusCode = 502;
        }
        else http.Response.StatusCode = 202;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_refused_admin_request_is_sent_again_once_the_registry_accepts_connections()
    {
        var port = LoopbackPort.Free();
        var http = Context(port, TimeSpan.FromMinutes(1));
        var attempts = 0;
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            await ForwardErrors.InvokeAsync(http, () =>
            {
                if (++attempts == 1) _ = Task.Delay(300).ContinueWith(_ => listener.Start()); // the registry comes back
                return Attempt(http, refused: attempts == 1);
            });
        }
        finally { listener.Stop(); }
        Assert.Equal(2, attempts);
        Assert.Equal(202, http.Response.StatusCode);
        Assert.Null(http.GetForwarderErrorFeature());
    }

    [Fact]
    public async Task When_the_registry_listens_but_the_forward_keeps_failing_attempts_stay_apart_and_end_in_503()
    {
        var port = LoopbackPort.Free();
        var listener = new TcpListener(IPAddress.Loopback, port); // the probe gets through, the forwards do not
        listener.Start();
        try
        {
            // Long enough for a second attempt on a loaded machine: with 700 ms, one run of the full suite saw the
            // first attempt and its probe use up the whole wait (1 attempt).
            var wait = TimeSpan.FromSeconds(3);
            var http = Context(port, wait);
            var attempts = 0;
            await ForwardErrors.InvokeAsync(http, () => { attempts++; return Attempt(http, refused: true); });
            Assert.InRange(attempts, 2, 1 + (int)(wait / RegistryReachability.ProbeInterval) + 1);
            Assert.Equal(503, http.Response.StatusCode);
            Assert.Equal("2", http.Response.Headers.RetryAfter.ToString());
            http.Response.Body.Position = 0;
            Assert.Contains("registry_unavailable", await new StreamReader(http.Response.Body).ReadToEndAsync());
        }
        finally { listener.Stop(); }
    }
}
