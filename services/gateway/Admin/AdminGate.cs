using ExApps.Gateway.Auth;
using ExApps.Gateway.Console;
using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Admin;

/// <summary>Admin routes (<c>/admin/...</c>) need <c>Authorization: Bearer &lt;admin token&gt;</c>; checked here in
/// constant time before anything is proxied, so an unauthenticated request never reaches the registry. The
/// registry's <c>/internal</c> API is never routed by the gateway at all. Wrong tokens are throttled and logged
/// (<see cref="AdminTokenCheck"/>). The web console calls the same routes with its session cookie instead (and its
/// CSRF token for every change, <see cref="ConsoleAuth"/>); the gateway then adds the admin token itself. Cookies
/// never go on to the registry.</summary>
public sealed class AdminGate(RequestDelegate next, IOptions<AdminOptions> options, AdminTokenCheck check, ConsoleAuth console,
    ILogger<AdminGate> log)
{
    /// <summary>Anything but <c>/admin</c> passes straight on (no async state of its own per request).</summary>
    public Task InvokeAsync(HttpContext http) => http.Request.Path.StartsWithSegments("/admin") ? GateAsync(http) : next(http);

    private async Task GateAsync(HttpContext http)
    {
        if (http.Request.Headers.Authorization.Count == 0 && console.HasCookie(http))
        {
            await ConsoleRequestAsync(http);
            return;
        }
        http.Request.Headers.Remove("Cookie");
        var verdict = await check.VerifyAsync(http, options.Value.Token);
        if (verdict == AttemptVerdict.Passed)
        {
            await next(http);
            return;
        }
        var (status, code, detail) = verdict == AttemptVerdict.Refused
            ? (429, "too_many_attempts", "Too many wrong admin tokens from this address; try again later.")
            : (401, "unauthorized", "A valid admin token is required (Authorization: Bearer <token>).");
        await Problem(http, status, code, detail);
    }

    private async Task ConsoleRequestAsync(HttpContext http)
    {
        var session = console.SessionOf(http);
        if (session is null)
        {
            await Problem(http, 401, "unauthorized", "The console session has ended: sign in again.");
            return;
        }
        if (ConsoleAuth.IsChange(http.Request) && !ConsoleAuth.ChangeAllowed(http, session))
        {
            log.LogWarning("Console request {Method} {Path} refused: no valid CSRF token or a foreign origin", http.Request.Method,
                SafeText.ForLog(http.Request.Path.Value, 200));
            await Problem(http, 403, "csrf_failed", $"A change needs the console's CSRF token ({ConsoleAuth.CsrfHeader}) from the console's own page.");
            return;
        }
        http.Request.Headers.Remove("Cookie");
        http.Request.Headers.Remove(ConsoleAuth.CsrfHeader);
        http.Request.Headers.Authorization = "Bearer " + options.Value.Token;
        await next(http);
    }

    private static Task Problem(HttpContext http, int status, string code, string detail) =>
        TypedResults.Problem(statusCode: status, title: status switch { 429 => "Too many requests", 403 => "Forbidden", _ => "Unauthorized" },
            detail: detail, extensions: new Dictionary<string, object?> { ["error_code"] = code }).ExecuteAsync(http);
}
