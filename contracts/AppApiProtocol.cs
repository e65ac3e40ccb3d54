namespace ExApps.Contracts;

/// <summary>Constants of the AppAPI protocol that every service agrees on.</summary>
public static class AppApiProtocol
{
    /// <summary>The AppAPI version this platform speaks (sent as AA-VERSION and AA_VERSION).</summary>
    public const string Version = "32.0.0";

    /// <summary>The Nextcloud version the platform claims by default: the gateway reports it (cloud/capabilities) and
    /// the registry picks app store releases compatible with it (<c>Gateway:NextcloudVersion</c>,
    /// <c>Registry:NextcloudVersion</c>).</summary>
    public const string NextcloudVersion = "32.0.0";

    public const string DockerInstall = "docker-install";
    public const string ManualInstall = "manual-install";

    public const string KindInstall = "install";
    public const string KindUpdate = "update";

    public static string ContainerName(string appId) => $"nc_app_{appId}";
    public static string VolumeName(string appId) => $"nc_app_{appId}_data";
    public static string PersistentStorage(string appId) => $"/nc_app_{appId}_data";
}
