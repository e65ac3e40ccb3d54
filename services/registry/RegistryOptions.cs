using System.ComponentModel.DataAnnotations;
using ExApps.Registry.Store;

namespace ExApps.Registry;

/// <summary>Section <c>Registry</c>.</summary>
public sealed class RegistryOptions : IValidatableObject
{
    public const string Section = "Registry";

    /// <summary>Base64 of a 32-byte key that encrypts daemon passwords and ExApp secrets at rest. When empty, a
    /// key is created once in <see cref="EncryptionKeyFile"/> (mode 0600).</summary>
    public string EncryptionKey { get; set; } = "";

    [Required] public string EncryptionKeyFile { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "exapps", "registry.key");

    [Range(1, 65535)] public int PortRangeStart { get; set; } = 23000;
    [Range(1, 65535)] public int PortRangeEnd { get; set; } = 23999;

    /// <summary>How long <c>POST /admin/apps/{appid}/disable</c> waits for the lifecycle to report the app disabled:
    /// its PUT /enabled?enabled=0 may take 60 s, then the container stops.</summary>
    public TimeSpan DisableTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How long <c>DELETE /admin/apps/{appid}</c> waits for the lifecycle to report the app removed
    /// (disable, then the container's removal).</summary>
    public TimeSpan UnregisterTimeout { get; set; } = TimeSpan.FromSeconds(150);

    /// <summary>How long a daemon check, a log read or another request to a deployer waits for its answer.</summary>
    public TimeSpan DeployerRequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Largest info.xml fetched from a URL.</summary>
    [Range(1024, 16 * 1024 * 1024)] public int MaxInfoXmlBytes { get; set; } = 1024 * 1024;

    /// <summary>The Nextcloud version the platform claims: app store releases must be compatible with it. Keep it
    /// equal to <c>Gateway:NextcloudVersion</c> (both default to the same).</summary>
    public string NextcloudVersion { get; set; } = Contracts.AppApiProtocol.NextcloudVersion;

    /// <summary>Section <c>Registry:AppStore</c>.</summary>
    public StoreOptions AppStore { get; set; } = new();

    /// <summary>Section <c>Registry:TestDeploy</c>.</summary>
    public TestDeploy.TestDeployOptions TestDeploy { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext context) =>
        AppStore.Problems(NextcloudVersion).Concat(TestDeploy.Problems()).Select(p => new ValidationResult(p));
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

/// <summary>Checks the attributes above (and <c>IValidatableObject</c>, where implemented) with code the options source
/// generator writes: ServiceDefaults/OptionsValidation.cs.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
public sealed partial class RegistryOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<RegistryOptions> { }
