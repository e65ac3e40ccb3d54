using System.Net;
using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Auth;

/// <summary>The gateway's brute-force protection (docs/security.md, "Throttling"), one <see cref="AttemptLimiter"/>
/// with a bucket per kind of secret and caller, so that failures in one bucket never refuse a request that belongs
/// in another:
/// <list type="bullet">
/// <item><c>app|ip|appid</c>: wrong secrets claiming one installed app from one address;</item>
/// <item><c>unknown|ip</c>: requests naming no installed app (made-up or malformed ids) from one address;</item>
/// <item><c>proxy|ip|appid</c>: proxied answers listed in a route's <c>bruteforce_protection</c>;</item>
/// <item><c>admin|ip</c>: wrong admin tokens;</item>
/// <item><c>talk|ip</c>: Talk bot relay posts with a wrong signature or for no bot.</item>
/// </list>
/// So guessing with made-up ids or another app's id never locks out an app that presents its own correct secret,
/// even from the same address (host-network ExApps all call from 127.0.0.1).</summary>
public sealed class FailureThrottle(IOptions<GatewayOptions> options, TimeProvider clock)
{
    public const string TooManyMessage = "Reached maximum delay";

    public AttemptLimiter Limiter { get; } = new(Limits(options.Value.Throttle), clock);

    public static AttemptLimits Limits(ThrottleOptions o) => new(o.MaxFailures, o.BaseDelay, o.MaxDelay, o.Window);

    public static string AppKey(IPAddress? ip, string appId) => $"app|{Address(ip)}|{appId}";
    public static string UnknownAppKey(IPAddress? ip) => $"unknown|{Address(ip)}";
    public static string ProxyKey(IPAddress? ip, string appId) => $"proxy|{Address(ip)}|{appId}";
    public static string AdminKey(IPAddress? ip) => $"admin|{Address(ip)}";
    /// <summary>Posts to the Talk bot relay with a wrong signature (or for no bot), per address.</summary>
    public static string TalkKey(IPAddress? ip) => $"talk|{Address(ip)}";

    /// <summary>IPv4-mapped IPv6 and plain IPv4 are one client.</summary>
    public static string Address(IPAddress? ip) => ip is null ? "unknown" : (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
}
