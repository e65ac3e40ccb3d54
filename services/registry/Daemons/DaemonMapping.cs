using System.Text.Json;
using ExApps.Contracts;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;

namespace ExApps.Registry.Daemons;

public static class DaemonMapping
{
    public static DeployConfig Config(this DaemonRow row) =>
        JsonSerializer.Deserialize<DeployConfig>(row.DeployConfig) ?? new DeployConfig();

    /// <summary>The daemon as the deployer needs it, with the password decrypted into a masked <see cref="Secret"/>.</summary>
    public static DaemonTarget ToTarget(this DaemonRow row, SecretProtector protector)
    {
        var c = row.Config();
        return new DaemonTarget(row.Name, row.AcceptsDeployId, row.Protocol, row.Host, c.Net, c.ComputeDevice.Id,
            row.HaproxyPasswordEnc is { } enc ? new Secret(protector.Unprotect(enc)) : null,
            c.Registries.Select(r => new RegistryRemap(r.From, r.To)).ToList(),
            c.AdditionalOptions,
            c.ResourceLimits is { } l ? new ResourceLimits(l.Memory, l.NanoCpus) : null);
    }

    public static DaemonView ToView(this DaemonRow row, int appsCount)
    {
        var c = row.Config();
        var config = new Dictionary<string, object?>
        {
            ["net"] = c.Net,
            ["nextcloud_url"] = c.NextcloudUrl,
            ["haproxy_password"] = row.HaproxyPasswordEnc is null ? "" : "***",
            ["computeDevice"] = c.ComputeDevice,
            ["registries"] = c.Registries,
            ["additional_options"] = c.AdditionalOptions,
            ["resourceLimits"] = c.ResourceLimits,
            ["auto_recover"] = c.AutoRecover,
        };
        return new DaemonView(row.Name, row.DisplayName, row.AcceptsDeployId, row.Protocol, row.Host, config,
            row.IsDefault, appsCount);
    }
}
