using System.ComponentModel.DataAnnotations;

namespace ExApps.Registry;

/// <summary>Section <c>Registry</c>.</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>Base64 of a 32-byte key that encrypts daemon passwords and ExApp secrets at rest. When empty, a
    /// key is created once in <see cref="EncryptionKeyFile"/> (mode 0600).</summary>
    public string EncryptionKey { get; set; } = "";

    [Required] public string EncryptionKeyFile { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "exapps", "registry.key");

    [Range(1, 65535)] public int PortRangeStart { get; set; } = 23000;
    [Range(1, 65535)] public int PortRangeEnd { get; set; } = 23999;

    /// <summary>How long unregister waits for the deployer to remove a container.</summary>
    public TimeSpan RemoveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long disable (and the disable before unregister) waits for the lifecycle's Disabled: its
    /// PUT /enabled?enabled=0 may take 60 s, then the container stops.</summary>
    public TimeSpan DisableTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How long a daemon check, a log read or another request to a deployer waits for its answer.</summary>
    public TimeSpan DeployerRequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>An operation claim older than this is treated as abandoned (a lost event), so the app is not
    /// locked forever. Longer than the lifecycle's longest path (health 15 min + heartbeat 10 min + init 40 min).</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromHours(2);

    public TimeSpan OperationPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Largest info.xml fetched from a URL.</summary>
    [Range(1024, 16 * 1024 * 1024)] public int MaxInfoXmlBytes { get; set; } = 1024 * 1024;
}

/// <summary>Section <c>Admin</c>: the token admin clients (and the gateway) present. Empty <see cref="Token"/>: the
/// token in <see cref="TokenFile"/>, which the gateway reads too (generated on first start by whichever service
/// starts first; ServiceDefaults/Security/AdminTokens.cs).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";
    public string Token { get; set; } = "";
    public string TokenFile { get; set; } = "";
}
