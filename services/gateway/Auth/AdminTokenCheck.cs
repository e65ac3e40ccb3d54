using System.Security.Cryptography;
using System.Text;
using ExApps.ServiceDefaults.Security;

namespace ExApps.Gateway.Auth;

/// <summary>Checks the admin token of a request in the <c>admin|ip</c> bucket of <see cref="FailureThrottle"/>:
/// each wrong token is counted (under the bucket's lock, so parallel guesses cannot pass the limit), delayed, and
/// logged with the address and the route, never with the token; past the limit the address gets 429 without a
/// check until the window has passed. A request without an Authorization header guesses nothing and is not counted.</summary>
public sealed class AdminTokenCheck(FailureThrottle throttle, ClientAddress addresses, ILogger<AdminTokenCheck> log)
{
    public async Task<AttemptVerdict> VerifyAsync(HttpContext http, string token)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length == 0) return AttemptVerdict.Failed;
        return await CheckAsync(http, () => AdminToken.Matches(header, token), "Admin token");
    }

    /// <summary>The console's sign-in: <paramref name="given"/> (the token typed into the form) against the admin
    /// token, in the same bucket and with the same logging as a wrong <c>Authorization</c> header.</summary>
    public Task<AttemptVerdict> VerifyTokenAsync(HttpContext http, string given, string token) =>
        CheckAsync(http, () => AdminToken.Equal(given, token), "Console sign-in: admin token");

    private async Task<AttemptVerdict> CheckAsync(HttpContext http, Func<bool> matches, string what)
    {
        var ip = addresses.Of(http);
        var key = FailureThrottle.AdminKey(ip);
        if (!await throttle.Limiter.WaitAsync(key, http.RequestAborted))
        {
            log.LogWarning("Admin request {Method} {Path} from {Ip} refused: too many wrong admin tokens", http.Request.Method,
                SafeText.ForLog(http.Request.Path.Value, 200), ip);
            return AttemptVerdict.Refused;
        }
        var verdict = throttle.Limiter.Attempt(key, matches);
        if (verdict == AttemptVerdict.Failed)
            log.LogWarning("{What} rejected for {Method} {Path} from {Ip} ({Failures} wrong tokens from this address in the window)",
                what, http.Request.Method, SafeText.ForLog(http.Request.Path.Value, 200), ip, throttle.Limiter.Failures(key));
        else if (verdict == AttemptVerdict.Refused)
            log.LogWarning("Admin request {Method} {Path} from {Ip} refused: too many wrong admin tokens", http.Request.Method,
                SafeText.ForLog(http.Request.Path.Value, 200), ip);
        return verdict;
    }
}

public static class AdminToken
{
    /// <summary><c>Bearer &lt;token&gt;</c>, compared in constant time.</summary>
    public static bool Matches(string authorizationHeader, string token)
    {
        if (!authorizationHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        return Equal(authorizationHeader["Bearer ".Length..].Trim(), token);
    }

    /// <summary>A token as given, compared in constant time.</summary>
    public static bool Equal(string given, string token) => CryptographicOperations.FixedTimeEquals(
        SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
