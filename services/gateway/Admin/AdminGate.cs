using ExApps.Gateway.Auth;
using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Admin;

/// <summary>Admin routes (<c>/admin/...</c>) need <c>Authorization: Bearer &lt;admin token&gt;</c>; checked here in
/// constant time before anything is proxied, so an unauthenticated request never reaches the registry. The
/// registry's <c>/internal</c> API is never routed by the gateway at all. Wrong tokens are throttled and logged
/// (<see cref="AdminTokenCheck"/>).</summary>
public sealed class AdminGate(RequestDelegate next, IOptions<AdminOptions> options, AdminTokenCheck check)
{
    /// <summary>Anything but <c>/admin</c> passes straight on (no async state of its own per request).</summary>
    public Task InvokeAsync(HttpContext http) => http.Request.Path.StartsWithSegments("/admin") ? GateAsync(http) : next(http);

    private async Task GateAsync(HttpContext http)
    {
        var verdict = await check.VerifyAsync(http, options.Value.Token);
        if (verdict == AttemptVerdict.Passed)
        {
            await next(http);
            return;
        }
        var (status, code, detail) = verdict == AttemptVerdict.Refused
            ? (429, "too_many_attempts", "Too many wrong admin tokens from this address; try again later.")
            : (401, "unauthorized", "A valid admin token is required (Authorization: Bearer <token>).");
        await TypedResults.Problem(statusCode: status, title: status == 429 ? "Too many requests" : "Unauthorized", detail: detail,
            extensions: new Dictionary<string, object?> { ["error_code"] = code }).ExecuteAsync(http);
    }
}
