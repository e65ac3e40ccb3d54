using ExApps.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Admin;

/// <summary>Admin routes (<c>/admin/...</c>) need <c>Authorization: Bearer &lt;Admin:Token&gt;</c>; checked here in
/// constant time before anything is proxied, so an unauthenticated request never reaches the registry. The
/// registry's <c>/internal</c> API is never routed by the gateway at all.</summary>
public sealed class AdminGate(RequestDelegate next, IOptions<AdminOptions> options)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/admin")) return next(http);
        if (AdminToken.Matches(http.Request.Headers.Authorization.ToString(), options.Value.Token)) return next(http);
        return TypedResults.Problem(statusCode: 401, title: "Unauthorized",
            detail: "A valid admin token is required (Authorization: Bearer <token>).",
            extensions: new Dictionary<string, object?> { ["error_code"] = "unauthorized" }).ExecuteAsync(http);
    }
}
