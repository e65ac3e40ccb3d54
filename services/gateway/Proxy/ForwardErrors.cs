using Yarp.ReverseProxy.Forwarder;

namespace ExApps.Gateway.Proxy;

/// <summary>What a client gets when a forwarded request finds its service down. An admin request that could not
/// connect to the registry waits for it (<see cref="RegistryReachability"/>, at most
/// <see cref="GatewayOptions.AdminRegistryWait"/>) and is sent again: nothing of it reached the registry, so even a
/// POST is safe to repeat. Past that wait, or on any other failure, the admin API answers 503 with
/// <c>Retry-After</c> naming the registry (instead of YARP's bare 502), a Nextcloud route 502 naming Nextcloud.</summary>
public static class ForwardErrors
{
    public static async Task InvokeAsync(HttpContext http, Func<Task> next)
    {
        var admin = http.Request.Path.StartsWithSegments("/admin");
        if (admin) await ForwardToRegistryAsync(http, next);
        else await next();
        if (http.GetForwarderErrorFeature() is not { } error || http.Response.HasStarted) return;
        if (error.Error is ForwarderError.RequestCanceled) return; // the client went away
        // The registry restarts in a few seconds; a client told to wait 5 s (the value before) ended its requests
        // up to 5 s after the registry was back (bench/faults.sh kill-registry, docs/reliability.md).
        http.Response.Headers.RetryAfter = "2";
        await TypedResults.Problem(
            statusCode: admin ? 503 : 502,
            title: admin ? "Service unavailable" : "Bad gateway",
            detail: admin
                ? $"The registry service is unavailable ({error.Error}); nothing was changed. Try again in a few seconds."
                : $"Nextcloud did not answer ({error.Error}).",
            extensions: new Dictionary<string, object?> { ["error_code"] = admin ? "registry_unavailable" : "nextcloud_unavailable" })
            .ExecuteAsync(http);
    }

    private static async Task ForwardToRegistryAsync(HttpContext http, Func<Task> next)
    {
        var registry = http.RequestServices.GetRequiredService<RegistryReachability>();
        var wait = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value.AdminRegistryWait;
        var deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        // Known to be down: wait for it first (a request sent now would only be refused).
        await registry.WaitAsync(Remaining(deadline), http.RequestAborted);
        await next();
        while (!http.Response.HasStarted && http.GetForwarderErrorFeature() is { } error && NotConnected(error)
               && Remaining(deadline) > TimeSpan.Zero)
        {
            registry.Refused();
            var waited = Environment.TickCount64;
            if (!await registry.WaitAsync(Remaining(deadline), http.RequestAborted)) return;
            // The probe got through but this forward did not (another address of the same name, say): attempts
            // stay a probe interval apart instead of spinning until the deadline.
            var pause = RegistryReachability.ProbeInterval.TotalMilliseconds - (Environment.TickCount64 - waited);
            if (pause > 0) await Task.Delay(TimeSpan.FromMilliseconds(pause), http.RequestAborted);
            // Forget the failed attempt; the request body was never read (no connection), so it is sent whole.
            http.Features.Set<IForwarderErrorFeature>(null);
            http.Response.StatusCode = StatusCodes.Status200OK;
            await next();
        }
    }

    private static TimeSpan Remaining(long deadline) => TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));

    /// <summary>The connection to the registry could not be made: nothing of the request was sent.</summary>
    public static bool NotConnected(IForwarderErrorFeature error) =>
        error.Error is ForwarderError.Request && error.Exception is { } e
            && (e as HttpRequestException ?? e.InnerException as HttpRequestException)?.HttpRequestError is HttpRequestError.ConnectionError;
}
