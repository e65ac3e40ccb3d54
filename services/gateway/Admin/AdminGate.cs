using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Admin;

/// <summary>Admin routes (<c>/admin/...</c>) need <c>Authorization: Bearer &lt;Admin:Token&gt;</c>; checked here in
/// constant time before anything is proxied, so an unauthenticated request never reaches the registry.</summary>
public sealed class AdminGate(RequestDelegate next, IOptions<AdminOptions> options)
{
    private readonly byte[] _token = Encoding.UTF8.GetBytes(options.Value.Token);

    public Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/admin")) return next(http);
        var header = http.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim())
            : [];
        if (CryptographicOperations.FixedTimeEquals(given, _token)) return next(http);
        return TypedResults.Problem(statusCode: 401, title: "Unauthorized",
            detail: "A valid admin token is required (Authorization: Bearer <token>).",
            extensions: new Dictionary<string, object?> { ["error_code"] = "unauthorized" }).ExecuteAsync(http);
    }
}
