using System.Security.Cryptography;
using System.Text;

namespace ExApps.TestExApp;

/// <summary>
/// Checks the headers the platform must send on every call to an ExApp (docs/protocol.md §4.2), the way real ExApps
/// (nc_py_api) do: app id and version must match exactly, the secret after the last ':' must match.
/// </summary>
public sealed class AppApiAuthFilter(ExAppSettings settings, TestState state, ILogger<AppApiAuthFilter> log)
    : IEndpointFilter
{
    public const string UserIdItem = "AppApiUserId";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var failure = Check(http.Request.Headers, out var userId);
        if (failure is not null)
        {
            state.HeaderCheckFailed();
            // The reason names the header, never its value: the value may carry the secret.
            log.LogWarning("AppAPI header check failed on {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path, failure);
            return TypedResults.Json(new MessageBody("AppAPI authentication failed"), AppJsonContext.Default.MessageBody, statusCode: 401);
        }

        http.Items[UserIdItem] = userId;
        return await next(context);
    }

    private string? Check(IHeaderDictionary headers, out string userId)
    {
        userId = "";
        // IHeaderDictionary is case-insensitive, so any casing the platform uses is accepted.
        if (headers["EX-APP-ID"].ToString() != settings.AppId) return "EX-APP-ID missing or not this app";
        if (headers["EX-APP-VERSION"].ToString() != settings.AppVersion) return "EX-APP-VERSION missing or different";
        if (string.IsNullOrEmpty(headers["AA-VERSION"].ToString())) return "AA-VERSION missing";

        var auth = headers["AUTHORIZATION-APP-API"].ToString();
        if (auth.Length == 0) return "AUTHORIZATION-APP-API missing";
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
        }
        catch (FormatException)
        {
            return "AUTHORIZATION-APP-API is not base64";
        }

        // The secret has no ':' (A-Z a-z 0-9 + /), so the last ':' separates it from a user id that might.
        var colon = decoded.LastIndexOf(':');
        if (colon < 0) return "AUTHORIZATION-APP-API has no ':'";
        var secret = Encoding.UTF8.GetBytes(decoded[(colon + 1)..]);
        if (!CryptographicOperations.FixedTimeEquals(secret, Encoding.UTF8.GetBytes(settings.AppSecret)))
        {
            return "AUTHORIZATION-APP-API secret mismatch";
        }

        userId = decoded[..colon];
        return null;
    }
}
