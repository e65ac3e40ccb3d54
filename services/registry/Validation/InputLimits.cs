namespace ExApps.Registry.Validation;

/// <summary>Bounds of every value the registry stores (docs/security.md lists them). Where AppAPI has a column
/// for the value, its size is the bound (nextcloud/app_api lib/Migration: ex_apps, ex_apps_daemons,
/// ex_apps_routes); the others are generous for real apps and small enough that nobody can store megabytes.</summary>
public static class InputLimits
{
    // ex_apps
    public const int AppId = 32;
    public const int Version = 32;
    public const int AppName = 64;
    /// <summary>ex_apps.secret is varchar(256).</summary>
    public const int Secret = 256;

    // ex_apps_daemons
    public const int DaemonName = 64;
    public const int DaemonDisplayName = 255;
    public const int DaemonHost = 255;
    public const int NextcloudUrl = 2048;
    public const int Network = 128;
    public const int HaproxyPassword = 255;

    // ex_apps_routes
    public const int Routes = 100;
    public const int RouteUrl = 512;
    public const int RouteVerb = 64;
    /// <summary>headers_to_exclude and bruteforce_protection are varchar(512) JSON lists.</summary>
    public const int RouteList = 512;

    // declared variables and deploy options
    public const int EnvVars = 100;
    public const int EnvName = 128;
    public const int EnvDisplayName = 255;
    public const int EnvDescription = 4096;
    public const int EnvValue = 8192;
    public const int Mounts = 32;
    public const int MountPath = 4096;

    // image reference (becomes a Docker API query)
    public const int ImageRegistry = 255;
    public const int ImageName = 255;
    public const int ImageTag = 128;

    /// <summary>Inline info.xml / --json-info text, like an info.xml fetched from a URL (Registry:MaxInfoXmlBytes).</summary>
    public const int InfoUrl = 2048;
}
