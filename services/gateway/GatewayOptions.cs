using System.ComponentModel.DataAnnotations;

namespace ExApps.Gateway;

/// <summary>Section <c>Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The registry service (admin API and ExApp records).</summary>
    [Required, Url] public string RegistryUrl { get; set; } = "http://127.0.0.1:8081";

    /// <summary>The Nextcloud version reported by <c>cloud/capabilities</c>.</summary>
    [Required] public string NextcloudVersion { get; set; } = "32.0.0";

    /// <summary>The log level (0 debug .. 4 fatal) ExApps read from the app_api capability.</summary>
    [Range(0, 4)] public int ExAppLogLevel { get; set; } = 1;
}

/// <summary>Section <c>Admin</c>: the admin token (also forwarded to the registry).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";
    [Required, MinLength(8)] public string Token { get; set; } = "dev-admin-token";
}
