using System.Security.Cryptography;
using System.Text;
using ExApps.Gateway.Registry;

namespace ExApps.Gateway.Auth;

/// <summary>The identity of an authenticated ExApp request (spec §4.1).</summary>
public sealed record ExAppCaller(string AppId, string Version, string UserId, AppAuthInfo App);

/// <summary>AppAPI authentication of ExApp requests (spec §4.1): header names are case-insensitive (ASP.NET
/// headers are), the secret is compared in constant time, a disabled app may only call the routes that allow it.</summary>
public sealed class AppApiAuthenticator(RegistryClient registry, ILogger<AppApiAuthenticator> log)
{
    public const string FailureMessage = "AppAPI authentication failed";

    /// <param name="allowDisabled">Whether a disabled app may call this route (given its status type).</param>
    public async Task<ExAppCaller?> AuthenticateAsync(HttpRequest request, Func<AppAuthInfo, bool> allowDisabled,
        CancellationToken ct)
    {
        var appId = request.Headers["EX-APP-ID"].ToString();
        var version = request.Headers["EX-APP-VERSION"].ToString();
        var auth = request.Headers["AUTHORIZATION-APP-API"].ToString();
        if (appId.Length == 0 || version.Length == 0 || auth.Length == 0)
            return Fail("missing AppAPI headers", appId);
        if (appId.Length > 32) return Fail("app id too long", appId[..32]);

        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth)); }
        catch (FormatException) { return Fail("AUTHORIZATION-APP-API is not base64", appId); }
        var colon = decoded.IndexOf(':');
        if (colon < 0) return Fail("AUTHORIZATION-APP-API has no user:secret form", appId);
        var userId = decoded[..colon];
        var secret = decoded[(colon + 1)..];

        var app = await registry.GetAuthInfoAsync(appId, ct);
        if (app is null) return Fail("unknown app", appId);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(app.Secret)))
            return Fail("secret mismatch", appId);
        if (!app.Enabled && !allowDisabled(app))
            return Fail("app is disabled", appId);
        return new ExAppCaller(appId, version, userId, app);
    }

    private ExAppCaller? Fail(string why, string appId)
    {
        log.LogWarning("AppAPI authentication failed for app {AppId}: {Reason}", appId, why);
        return null;
    }
}
