using System.Security.Cryptography;
using System.Text;
using ExApps.Contracts;
using ExApps.Gateway.Ocs;
using ExApps.Gateway.Registry;
using ExApps.ServiceDefaults.Security;
using MassTransit;

namespace ExApps.Gateway.Auth;

/// <summary>The identity of an authenticated ExApp request (docs/protocol.md §4.1); <see cref="UserId"/> "" for system calls.</summary>
public sealed record ExAppCaller(string AppId, string Version, string UserId, AppAuthInfo App);

/// <summary>The outcome of <see cref="AppApiAuthenticator.AuthenticateAsync"/>: a caller, or the answer to give.</summary>
public sealed record AuthOutcome(ExAppCaller? Caller, bool Throttled = false, string? BadRequest = null)
{
    /// <summary>AppAPI's answers: 401 + statuscode 997 "AppAPI authentication failed", 429 when throttled, or 400
    /// for a header value that can never be valid (it names the header).</summary>
    public IResult Failure() => Throttled
        ? OcsResult.Error(429, FailureThrottle.TooManyMessage)
        : BadRequest is { } message ? OcsResult.Error(400, message)
        : OcsResult.Error(OcsResult.Unauthorised, AppApiAuthenticator.FailureMessage);
}

/// <summary>AppAPI authentication of ExApp requests (docs/protocol.md §4.1): headers present and well-formed, app known,
/// secret (constant time), enabled (unless the route allows a disabled app), then the version-raise rule. Header
/// names are case-insensitive (ASP.NET headers are). Failures are throttled per bucket (<see cref="FailureThrottle"/>):
/// the claimed app id's bucket when the app exists, the address's "unknown app" bucket otherwise; the limit is
/// read, the secret compared and a failure counted in one step under the bucket's lock, so parallel guesses
/// cannot pass the limit. Nothing secret is logged: reasons name the check, never a header value.</summary>
public sealed class AppApiAuthenticator(AppCache apps, FailureThrottle throttle, ClientAddress addresses, ReportRelay relay,
    ILogger<AppApiAuthenticator> log)
{
    public const string FailureMessage = "AppAPI authentication failed";
    public const int MaxUserIdLength = 64;

    /// <param name="allowDisabled">Whether a disabled app may call this route (given its status type).</param>
    public async Task<AuthOutcome> AuthenticateAsync(HttpContext http, Func<AppAuthInfo, bool> allowDisabled,
        CancellationToken ct)
    {
        var ip = addresses.Of(http);
        var headers = http.Request.Headers;
        var appId = headers["EX-APP-ID"].ToString();
        var version = headers["EX-APP-VERSION"].ToString();
        var auth = headers["AUTHORIZATION-APP-API"].ToString();
        if (auth.Length == 0) return Fail("AUTHORIZATION-APP-API header missing", appId, ip);
        if (appId.Length == 0) return Fail("EX-APP-ID header missing", appId, ip);
        if (version.Length == 0) return Fail("EX-APP-VERSION header missing", appId, ip);
        if (!SafeText.IsVersion(version))
            return new AuthOutcome(null, BadRequest: $"EX-APP-VERSION is not a valid version: {SafeText.VersionRule}.");

        var app = AppIds.IsValid(appId) ? await apps.AuthAsync(appId, ct) : null;
        // Guessing installed app ids is an attack too, but it must not cost an installed app its own bucket.
        var bucket = app is null ? FailureThrottle.UnknownAppKey(ip) : FailureThrottle.AppKey(ip, appId);
        if (!await throttle.Limiter.WaitAsync(bucket, ct)) return Throttled(appId, ip);
        var parsed = Base64Credentials.TryParse(auth, out var userId, out var secret);
        var verdict = throttle.Limiter.Attempt(bucket, () => app is not null && parsed && SecretsEqual(secret, app.Secret));
        if (verdict == AttemptVerdict.Refused) return Throttled(appId, ip);
        if (verdict == AttemptVerdict.Failed) return Fail(app is null ? "unknown app" : "secret mismatch", appId, ip);

        if (userId.Length > MaxUserIdLength || SafeText.HasControl(userId))
            return new AuthOutcome(null, BadRequest: $"The user id in AUTHORIZATION-APP-API must be at most {MaxUserIdLength} characters without control characters.");
        if (!app!.Enabled && !allowDisabled(app))
        {
            // The lifecycle marks an app enabled, waits until the registry shows it, then calls the ExApp, which may
            // call back at once: a cached "disabled" may be a moment old, so ask the registry before refusing.
            apps.Invalidate(appId);
            if (await apps.AuthAsync(appId, ct) is { } fresh && SecretsEqual(secret, fresh.Secret)) app = fresh;
            if (!app.Enabled && !allowDisabled(app)) return Fail("app is disabled", appId, ip);
        }

        if (ExAppVersion.IsGreater(version, app.Version))
        {
            // docs/protocol.md §4.1: a newer EX-APP-VERSION raises the stored one (the registry applies it).
            log.LogInformation("ExApp {AppId} reports version {Version} (stored {Stored}); raising it", appId, version, app.Version);
            relay.TryAccept(appId, new AppVersionReported(appId, version));
            apps.SetVersion(app, version);
            app = app with { Version = version };
        }
        return new AuthOutcome(new ExAppCaller(appId, version, userId, app));
    }

    /// <summary>Hashing first makes the comparison constant-time whatever the lengths are.</summary>
    public static bool SecretsEqual(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private AuthOutcome Fail(string why, string appId, System.Net.IPAddress? ip)
    {
        log.LogWarning("AppAPI authentication failed for app {AppId} from {Ip}: {Reason}", AppIds.ForLog(appId), ip, why);
        return new AuthOutcome(null);
    }

    private AuthOutcome Throttled(string appId, System.Net.IPAddress? ip)
    {
        log.LogWarning("AppAPI request for app {AppId} from {Ip} refused: too many failed attempts", AppIds.ForLog(appId), ip);
        return new AuthOutcome(null, Throttled: true);
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
