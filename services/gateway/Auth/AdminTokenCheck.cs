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
        var ip = addresses.Of(http);
        var key = FailureThrottle.AdminKey(ip);
        if (!await throttle.Limiter.WaitAsync(key, http.RequestAborted))
        {
            log.LogWarning("Admin request {Method} {Path} from {Ip} refused: too many wrong admin tokens", http.Request.Method,
                SafeText.ForLog(http.Request.Path.Value, 200), ip);
            return AttemptVerdict.Refused;
        }
        var verdict = throttle.Limiter.Attempt(key, () => AdminToken.Matches(header, token));
        if (verdict == AttemptVerdict.Failed)
            log.LogWarning("Admin token rejected for {Method} {Path} from {Ip} ({Failures} wrong tokens from this address in the window)",
                http.Request.Method, SafeText.ForLog(http.Request.Path.Value, 200), ip, throttle.Limiter.Failures(key));
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
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader["Bearer ".Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }
}
