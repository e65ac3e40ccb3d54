using System.Security.Cryptography;
using System.Text;
using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Api;

/// <summary>Requires <c>Authorization: Bearer &lt;admin token&gt;</c>, compared in constant time. Wrong tokens are
/// logged (address and route, never the token) and counted per address; past the limit a wrong token is answered
/// 429. A right token is always accepted: the registry's one legitimate client, the gateway, shares 127.0.0.1 with
/// every other local process, so refusing right tokens would let any local process cut the gateway off. Guessing
/// is hopeless against the generated 256-bit token (configured tokens need 16 characters or more); see
/// docs/security.md.</summary>
public sealed class AdminAuth(IOptions<AdminOptions> options, AdminTokenFailures failures, ILogger<AdminAuth> log) : IEndpointFilter
{
    private readonly byte[] _token = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Token));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        if (given is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _token))
            return await next(context);
        if (header.Length == 0)
            return Problems.Of(401, "unauthorized", "A valid admin token is required (Authorization: Bearer <token>).");

        var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var count = failures.Limiter.RecordFailure(ip);
        log.LogWarning("Admin token rejected for {Method} {Path} from {Ip} ({Failures} wrong tokens from this address in the window)",
            http.Request.Method, SafeText.ForLog(http.Request.Path.Value, 200), ip, count);
        return count > AdminTokenFailures.Limits.MaxFailures
            ? Problems.Of(429, "too_many_attempts", "Too many wrong admin tokens from this address; try again later.")
            : Problems.Of(401, "unauthorized", "A valid admin token is required (Authorization: Bearer <token>).");
    }
}

/// <summary>Wrong admin tokens per address, shared by every endpoint (filters are created per endpoint).</summary>
public sealed class AdminTokenFailures(TimeProvider clock)
{
    public static readonly AttemptLimits Limits = new(10, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMinutes(30));
    public AttemptLimiter Limiter { get; } = new(Limits, clock);
}
