using System.Security.Cryptography;
using System.Text;
using ExApps.Contracts;
using ExApps.Gateway.Ocs;
using ExApps.Gateway.Registry;
using MassTransit;

namespace ExApps.Gateway.Auth;

/// <summary>The identity of an authenticated ExApp request (docs/protocol.md §4.1); <see cref="UserId"/> "" for system calls.</summary>
public sealed record ExAppCaller(string AppId, string Version, string UserId, AppAuthInfo App);

/// <summary>The outcome of <see cref="AppApiAuthenticator.AuthenticateAsync"/>: a caller, or the answer to give.</summary>
public sealed record AuthOutcome(ExAppCaller? Caller, bool Throttled = false)
{
    /// <summary>AppAPI's answers: 401 + statuscode 997 "AppAPI authentication failed", or 429 when throttled.</summary>
    public IResult Failure() => Throttled
        ? OcsResult.Error(429, FailureThrottle.TooManyMessage)
        : OcsResult.Error(OcsResult.Unauthorised, AppApiAuthenticator.FailureMessage);
}

/// <summary>AppAPI authentication of ExApp requests (docs/protocol.md §4.1), in AppAPI's order: throttle delay, headers, app
/// known (a miss counts as a failed attempt), secret (constant time; a mismatch counts), enabled (unless the route
/// allows a disabled app), then the version-raise rule. Header names are case-insensitive (ASP.NET headers are).
/// Nothing secret is logged: reasons name the check, never a header value.</summary>
public sealed class AppApiAuthenticator(AppCache apps, FailureThrottle throttle, IPublishEndpoint bus,
    ILogger<AppApiAuthenticator> log)
{
    public const string FailureMessage = "AppAPI authentication failed";
    public const int MaxUserIdLength = 64;

    /// <param name="allowDisabled">Whether a disabled app may call this route (given its status type).</param>
    public async Task<AuthOutcome> AuthenticateAsync(HttpContext http, Func<AppAuthInfo, bool> allowDisabled,
        CancellationToken ct)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (!await throttle.WaitAsync(ip, ct))
        {
            log.LogWarning("AppAPI request from {Ip} refused: too many failed attempts", ip);
            return new AuthOutcome(null, Throttled: true);
        }
        var headers = http.Request.Headers;
        var appId = headers["EX-APP-ID"].ToString();
        var version = headers["EX-APP-VERSION"].ToString();
        var auth = headers["AUTHORIZATION-APP-API"].ToString();
        if (auth.Length == 0) return Fail("AUTHORIZATION-APP-API header missing", appId);
        if (appId.Length == 0) return Fail("EX-APP-ID header missing", appId);
        if (version.Length == 0) return Fail("EX-APP-VERSION header missing", appId);

        var app = AppIds.IsValid(appId) ? await apps.AuthAsync(appId, ct) : null;
        if (app is null)
        {
            // Guessing installed app ids is an attack too.
            throttle.RegisterFailure(ip);
            return Fail("unknown app", appId);
        }
        if (!Base64Credentials.TryParse(auth, out var userId, out var secret))
            return Fail("AUTHORIZATION-APP-API is not base64 of user:secret", appId);
        if (!SecretsEqual(secret, app.Secret))
        {
            throttle.RegisterFailure(ip);
            return Fail("secret mismatch", appId);
        }
        if (userId.Length > MaxUserIdLength) return Fail("user id too long", appId);
        if (!app.Enabled && !allowDisabled(app))
        {
            // The lifecycle marks an app enabled, waits until the registry shows it, then calls the ExApp, which may
            // call back at once: a cached "disabled" may be a moment old, so ask the registry before refusing.
            apps.Invalidate(appId);
            if (await apps.AuthAsync(appId, ct) is not { } fresh || !SecretsEqual(secret, fresh.Secret)) return Fail("unknown app", appId);
            app = fresh;
            if (!app.Enabled && !allowDisabled(app)) return Fail("app is disabled", appId);
        }

        if (ExAppVersion.IsGreater(version, app.Version))
        {
            // Spec §4.1: a newer EX-APP-VERSION raises the stored one (the registry applies it).
            log.LogInformation("ExApp {AppId} reports version {Version} (stored {Stored}); raising it", appId, version, app.Version);
            await bus.Publish(new AppVersionReported(appId, version), ct);
            apps.SetVersion(app, version);
            app = app with { Version = version };
        }
        throttle.Reset(ip);
        return new AuthOutcome(new ExAppCaller(appId, version, userId, app));
    }

    /// <summary>Hashing first makes the comparison constant-time whatever the lengths are.</summary>
    public static bool SecretsEqual(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private AuthOutcome Fail(string why, string appId)
    {
        log.LogWarning("AppAPI authentication failed for app {AppId}: {Reason}", AppIds.ForLog(appId), why);
        return new AuthOutcome(null);
    }
}

/// <summary>AUTHORIZATION-APP-API = base64(<c>userid:secret</c>); the user id ends at the first ':' (AppAPI's
/// <c>explode(':', $x, 2)</c>).</summary>
public static class Base64Credentials
{
    public static bool TryParse(string header, out string userId, out string secret)
    {
        userId = secret = "";
        byte[] bytes;
        try { bytes = Convert.FromBase64String(header.Trim()); }
        catch (FormatException) { return false; }
        var decoded = Encoding.UTF8.GetString(bytes);
        var colon = decoded.IndexOf(':');
        if (colon < 0) return false;
        userId = decoded[..colon];
        secret = decoded[(colon + 1)..];
        return true;
    }

    public static string Encode(string userId, string secret) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userId}:{secret}"));
}
