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
public sealed class ExAppProxy(AppCache apps, NextcloudUsers users, FailureThrottle throttle, ClientAddress addresses,
    IHttpForwarder forwarder, ExAppProxyClient client, PlatformMetrics metrics, IOptions<GatewayOptions> options, ILogger<ExAppProxy> log)
{
    public static readonly string[] Prefixes = ["/index.php/apps/app_api/proxy", "/apps/app_api/proxy"];

    public static IEndpointRouteBuilder MapExAppProxy(IEndpointRouteBuilder app)
    {
        foreach (var prefix in Prefixes)
            app.Map(prefix + "/{appId}/{**path}", (HttpContext http, ExAppProxy proxy) => proxy.HandleAsync(http, prefix))
                .DisableRequestTimeout(); // streamed bodies and WebSockets live as long as they need
        return app;
    }

    public async Task HandleAsync(HttpContext http, string prefix)
    {
        var started = Stopwatch.GetTimestamp();
        var raw = RawPath(http);
        var appId = http.Request.RouteValues["appId"] as string ?? "";
        if (PathGuard.HasTraversal(raw) || !AppIds.IsValid(appId)) { NotFound(http, "path or app id refused"); return; }
        var rest = RestOfRawPath(raw, prefix);
        if (ProxyPath.Normalize(rest, out var reason) is not { } path) { await BadPath(http, reason); return; }
        var app = await apps.RoutesAsync(appId, http.RequestAborted);
        if (app is not { Enabled: true }) { NotFound(http, app is null ? "unknown app" : "app disabled"); return; }
        var route = RouteAcl.Match(app.Routes, http.Request.Method, path);
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
            var transformer = new ExAppTransformer(app, route, user?.Id ?? "", rest, ip, addresses.IsTrusted(http.Connection.RemoteIpAddress));
            var config = new ForwarderRequestConfig { ActivityTimeout = options.Value.Limits.ProxyActivityTimeout };
            var error = await forwarder.SendAsync(http, app.ExappUrl, client.Invoker, config, transformer);
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

    /// <summary>What follows <c>{prefix}/{appId}</c> in the raw path, encoding kept, e.g. <c>/api/x%2Fy</c>.</summary>
    public static string RestOfRawPath(string raw, string prefix)
    {
        var skip = prefix.Count(c => c == '/') + 2; // "" + prefix segments + appId
        var rest = string.Join('/', raw.Split('/').Skip(skip));
        return "/" + rest;
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

/// <summary>One connection pool for all proxied ExApp traffic (YARP's recommended invoker settings).</summary>
public sealed class ExAppProxyClient : IDisposable
{
    public HttpMessageInvoker Invoker { get; } = new(new OutgoingHeaderGuard(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ActivityHeadersPropagator = new ReverseProxyPropagator(System.Diagnostics.DistributedContextPropagator.Current),
    }));

    public void Dispose() => Invoker.Dispose();
}
