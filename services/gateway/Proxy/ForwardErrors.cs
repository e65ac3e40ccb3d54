using Yarp.ReverseProxy.Forwarder;

namespace ExApps.Gateway.Proxy;

/// <summary>What a client gets when a forwarded request finds its service down: the admin API answers 503 with
/// <c>Retry-After</c> naming the registry (instead of YARP's bare 502), a Nextcloud route 502 naming Nextcloud.</summary>
public static class ForwardErrors
{
    public static async Task InvokeAsync(HttpContext http, Func<Task> next)
    {
        await next();
        if (http.GetForwarderErrorFeature() is not { } error || http.Response.HasStarted) return;
        var admin = http.Request.Path.StartsWithSegments("/admin");
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
}
