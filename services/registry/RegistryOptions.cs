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

    /// <summary>Largest info.xml fetched from a URL.</summary>
    [Range(1024, 16 * 1024 * 1024)] public int MaxInfoXmlBytes { get; set; } = 1024 * 1024;
}

/// <summary>Section <c>Admin</c>: the token admin clients (and the gateway) present.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";
    [Required, MinLength(8)] public string Token { get; set; } = "dev-admin-token";
}
