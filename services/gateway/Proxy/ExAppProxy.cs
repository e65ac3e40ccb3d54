using System.Diagnostics;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Registry;
using ExApps.ServiceDefaults.Security;
using ExApps.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace ExApps.Gateway.Proxy;

/// <summary>The ExApp proxy route (docs/protocol.md §6): <c>/index.php/apps/app_api/proxy/{appId}/{path}</c> and
/// <c>/apps/app_api/proxy/...</c>, any verb the app's routes allow, forwarded with YARP's forwarder to the app's
/// ExApp URL. Unknown or disabled apps, <c>..</c> segments, and requests no route admits are answered 404, as
/// AppAPI does (nothing tells an outsider which apps or routes exist); paths that servers read in different ways
/// are answered 400 before any app is looked up (<see cref="ProxyPath"/>).</summary>
/// <remarks>This is the gateway's hot path, measured against HAProxy in bench/run.sh (docs/performance.md): a request
/// for a cached app allocates little beyond what YARP and HttpClient need (no DI scope, no regex compiled, no path
/// split into strings, no cache key built).</remarks>
public sealed class ExAppProxy(AppCache apps, NextcloudUsers users, FailureThrottle throttle, ClientAddress addresses,
    IHttpForwarder forwarder, ExAppProxyClient client, PlatformMetrics metrics, IOptions<GatewayOptions> options, ILogger<ExAppProxy> log)
{
    public static readonly string[] Prefixes = ["/index.php/apps/app_api/proxy", "/apps/app_api/proxy"];

    private readonly ForwarderRequestConfig _config = new() { ActivityTimeout = options.Value.Limits.ProxyActivityTimeout };

    public static IEndpointRouteBuilder MapExAppProxy(IEndpointRouteBuilder app)
    {
        // A singleton handed to a plain RequestDelegate: no parameter binding and no request scope per request.
        var proxy = app.ServiceProvider.GetRequiredService<ExAppProxy>();
        foreach (var prefix in Prefixes)
        {
            var skip = SegmentsBeforeRest(prefix);
            app.Map(prefix + "/{appId}/{**path}", (RequestDelegate)(http => proxy.HandleAsync(http, skip)))
                .DisableRequestTimeout() // streamed bodies and WebSockets live as long as they need
                // exapps.proxy.requests/duration count these (per app); ASP.NET Core's http.server.request.duration
                // would measure them a second time at about a tenth of a proxied request's cost.
                .DisableHttpMetrics();
        }
        return app;
    }

    /// <param name="skip">How many '/' of the raw path come before the forwarded rest (<see cref="SegmentsBeforeRest"/>).</param>
    public async Task HandleAsync(HttpContext http, int skip)
    {
        var started = Stopwatch.GetTimestamp();
        var raw = RawPath(http);
        var appId = http.Request.RouteValues["appId"] as string ?? "";
        if (PathGuard.HasTraversal(raw) || !AppIds.IsValid(appId)) { NotFound(http, "path or app id refused"); return; }
        var rest = RestOfRawPath(raw, skip);
        if (ProxyPath.Normalize(rest, out var reason) is not { } path) { await BadPath(http, reason); return; }
        var target = await apps.ProxyTargetAsync(appId, http.RequestAborted);
        if (target?.App is not { Enabled: true } app) { NotFound(http, target is null ? "unknown app" : "app disabled"); return; }
        var route = target.Routes.Match(http.Request.Method, path);
        if (route is null) { NotFound(http, "no route matches"); return; }
        var user = await users.ResolveAsync(http.Request, http.RequestAborted);
        if (!RouteAcl.Allows(route, user)) { NotFound(http, "access level not met"); return; }

        var ip = addresses.Of(http);
        AttemptLimiter.Reservation? attempt = null;
        if (route.BruteforceProtection.Count > 0)
        {
            // Taken before forwarding, so parallel requests count against the limit at once.
            var key = FailureThrottle.ProxyKey(ip, appId);
            if (!await throttle.Limiter.WaitAsync(key, http.RequestAborted) || (attempt = throttle.Limiter.TryReserve(key)) is null)
            {
                await TooMany(http);
                return;
            }
        }
        try
        {
            var transformer = new ExAppTransformer(target, route, user?.Id ?? "", rest, ip, addresses.IsTrusted(http.Connection.RemoteIpAddress));
            var error = await forwarder.SendAsync(http, target.BaseUrl, client.Invoker, _config, transformer);
            if (error != ForwarderError.None)
                log.LogWarning("Proxy to ExApp {AppId} failed: {Error} {Message}", appId, error,
                    http.Features.Get<IForwarderErrorFeature>()?.Exception?.Message);
        }
        finally
        {
            // Only apps that exist and are enabled are counted: guessed app ids must not create metric series.
            metrics.ProxyRequest(app.Appid, http.Response.StatusCode, started);
            attempt?.Complete(failed: route.BruteforceProtection.Contains(http.Response.StatusCode));
        }
    }

    /// <summary>The path as the client sent it (still percent-encoded, dot segments not resolved).</summary>
    private static string RawPath(HttpContext http)
    {
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.ToUriComponent();
        var q = target.IndexOf('?');
        if (q >= 0) target = target[..q];
        if (!target.StartsWith('/') && Uri.TryCreate(target, UriKind.Absolute, out var absolute)) target = absolute.AbsolutePath;
        return target;
    }

    /// <summary>"" + the prefix's segments + the app id: the '/' that starts the rest is the next one.</summary>
    private static int SegmentsBeforeRest(string prefix) => prefix.Count(c => c == '/') + 2;

    /// <summary>What follows <c>{prefix}/{appId}</c> in the raw path, encoding kept, e.g. <c>/api/x%2Fy</c>.</summary>
    public static string RestOfRawPath(string raw, string prefix) => RestOfRawPath(raw, SegmentsBeforeRest(prefix));

    private static string RestOfRawPath(string raw, int skip)
    {
        // The skip-th '/' (1-based) starts the rest; with fewer, the rest is empty.
        var at = -1;
        for (var seen = 0; seen < skip; seen++)
        {
            at = raw.IndexOf('/', at + 1);
            if (at < 0) return "/";
        }
        return raw[at..];
    }

    private void NotFound(HttpContext http, string why)
    {
        log.LogDebug("Proxy answered 404: {Reason}", why);
        http.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static Task BadPath(HttpContext http, string reason) =>
        TypedResults.Problem(statusCode: 400, title: "Bad request", detail: reason,
            extensions: new Dictionary<string, object?> { ["error_code"] = "invalid_path", ["field"] = "path" }).ExecuteAsync(http);

    private static Task TooMany(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return http.Response.WriteAsync(FailureThrottle.TooManyMessage);
    }
}

/// <summary>One connection pool for all proxied ExApp traffic (YARP's recommended invoker settings). Its
/// HttpClient metrics go to meters nobody listens to: every proxied request is already counted by
/// exapps.proxy.requests/duration, and the standard http.client.* instruments, recorded for every request, cost a
/// noticeable share of the proxy's throughput (docs/performance.md).</summary>
public sealed class ExAppProxyClient : IDisposable
{
    private readonly UnrecordedMeters _meters = new();

    public ExAppProxyClient() => Invoker = new(new OutgoingHeaderGuard(new SocketsHttpHandler
    {
        MeterFactory = _meters,
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ActivityHeadersPropagator = new ReverseProxyPropagator(System.Diagnostics.DistributedContextPropagator.Current),
    }));

    public HttpMessageInvoker Invoker { get; }

    public void Dispose()
    {
        Invoker.Dispose();
        _meters.Dispose();
    }

    /// <summary>Meters under names of their own (<c>ExApps.Unrecorded.System.Net.Http</c>), which no metrics
    /// pipeline subscribes to: their instruments stay disabled and recording into them costs nothing.</summary>
    private sealed class UnrecordedMeters : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _created = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter("ExApps.Unrecorded." + options.Name, options.Version);
            lock (_created) _created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            lock (_created) foreach (var m in _created) m.Dispose();
        }
    }
}
