using System.ComponentModel.DataAnnotations;

namespace ExApps.Gateway;

/// <summary>Section <c>Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The registry service (admin API and ExApp records).</summary>
    [Required, Url] public string RegistryUrl { get; set; } = "http://127.0.0.1:8081";

    /// <summary>The Nextcloud server behind this gateway: core routes (<c>/ocs/...</c>, <c>/remote.php/...</c>,
    /// <c>/index.php/...</c>) are forwarded to it and users of the proxy route are resolved against it. Empty: no
    /// Nextcloud (core routes answer 404, every proxy caller is anonymous).</summary>
    public string NextcloudUrl { get; set; } = "";

    /// <summary>Nextcloud's public URL (its <c>overwrite.cli.url</c>), used by <c>nextcloud_url/absolute</c>;
    /// defaults to <see cref="NextcloudUrl"/>.</summary>
    public string NextcloudPublicUrl { get; set; } = "";

    /// <summary>The platform's own Nextcloud account (an admin; use an app password): the gateway reads the user list
    /// (<c>api/v1/users</c>) and delivers ExApp notifications with it. Empty: those routes answer that no account is
    /// configured.</summary>
    public string NextcloudServiceUser { get; set; } = "";

    /// <summary>The password (or app password) of <see cref="NextcloudServiceUser"/>; never logged.</summary>
    public string NextcloudServicePassword { get; set; } = "";

    /// <summary>Members of this Nextcloud group are admins (proxy ADMIN routes, admin OCS routes).</summary>
    [Required] public string NextcloudAdminGroup { get; set; } = "admin";

    /// <summary>Whether admin OCS routes accept Nextcloud admin credentials besides the admin token.</summary>
    public bool AcceptNextcloudAdmins { get; set; } = true;

    /// <summary>The Nextcloud version reported by <c>cloud/capabilities</c>.</summary>
    [Required] public string NextcloudVersion { get; set; } = ExApps.Contracts.AppApiProtocol.NextcloudVersion;

    /// <summary>The log level (0 debug .. 4 fatal) ExApps read from the app_api capability.</summary>
    [Range(0, 4)] public int ExAppLogLevel { get; set; } = 1;

    /// <summary>How long ExApp records (secret, enabled, routes) are cached; events clear them sooner.</summary>
    public TimeSpan AppCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>While the registry is unreachable, an expired ExApp record is still used for this long (so a
    /// registry restart does not lock out ExApps the gateway already knows).</summary>
    public TimeSpan AppCacheStaleTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an ExApp call or proxied request waits for an unreachable registry (a restart takes
    /// seconds) when the gateway has no record of the app at all, before answering 503.</summary>
    public TimeSpan RegistryWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long an admin request waits for a registry that refuses connections (a restart) before the
    /// gateway answers 503 with <c>Retry-After</c>; 0 answers at once.</summary>
    public TimeSpan AdminRegistryWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a resolved Nextcloud user (or "not logged in") is cached per credentials.</summary>
    public TimeSpan UserCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reverse proxies in front of the gateway (addresses or networks such as <c>10.0.0.0/8</c>): only
    /// for these peers are <c>X-Forwarded-*</c>/<c>Forwarded</c> believed (client address for throttling and
    /// <c>x-origin-ip</c>, and passed on to ExApps); from anyone else they are replaced by the gateway's own.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Socket completions run on the socket engine's threads instead of being queued to the thread pool,
    /// and Kestrel's too: a thread hop less per read and write. Off by default: on the 2-core bench machine it
    /// brought WebSocket round trips from about 1.36 to 1.06 times HAProxy's but cost about 8 % of the proxied
    /// requests/s (docs/performance.md), and it stalls every socket of an engine while any continuation blocks.</summary>
    public bool InlineSocketCompletions { get; set; }

    // (their ranges are checked too: the generated validator goes into members marked so)
    [Microsoft.Extensions.Options.ValidateObjectMembers] public ThrottleOptions Throttle { get; set; } = new();
    [Microsoft.Extensions.Options.ValidateObjectMembers] public LimitOptions Limits { get; set; } = new();

    public string PublicUrl => (NextcloudPublicUrl.Length > 0 ? NextcloudPublicUrl : NextcloudUrl).TrimEnd('/');
}

/// <summary>Brute-force protection (Nextcloud's throttler, per bucket: see Auth/FailureThrottle.cs): each failure
/// doubles the delay before the next attempt in its bucket; past <see cref="MaxFailures"/> the bucket gets 429 at
/// once until <see cref="Window"/> has passed since its last failure.</summary>
public sealed class ThrottleOptions
{
    [Range(1, 1000)] public int MaxFailures { get; set; } = 10;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(25);
    /// <summary>Failures older than this are forgotten.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(30);
}

public sealed class LimitOptions
{
    /// <summary>Largest request body the proxy and core routes accept (uploads to ExApps).</summary>
    [Range(1024, long.MaxValue)] public long MaxRequestBodyBytes { get; set; } = 512L * 1024 * 1024;
    /// <summary>Largest body of an OCS request the gateway itself answers.</summary>
    [Range(1024, 64L * 1024 * 1024)] public long MaxOcsBodyBytes { get; set; } = 2 * 1024 * 1024;
    [Range(1024, 1024 * 1024)] public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long an OCS route the gateway answers may take.</summary>
    public TimeSpan OcsTimeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Idle time after which a proxied request (ExApp or Nextcloud) is aborted; WebSockets included.</summary>
    public TimeSpan ProxyActivityTimeout { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Section <c>Admin</c>: the admin token (also sent to the registry). Empty <see cref="Token"/>: the token
/// in <see cref="TokenFile"/>, generated on first start (ServiceDefaults/Security/AdminTokens.cs).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";
    public string Token { get; set; } = "";
    public string TokenFile { get; set; } = "";
}

/// <summary>Checks the attributes above (and <c>IValidatableObject</c>, where implemented) with code the options source
/// generator writes: ServiceDefaults/OptionsValidation.cs.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
public sealed partial class GatewayOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<GatewayOptions> { }
