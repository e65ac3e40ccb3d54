using System.Text.RegularExpressions;
using ExApps.Contracts;
using Microsoft.Extensions.Options;

namespace ExApps.Deployer.Deploy;

/// <summary>The Docker names of an ExApp's container and data volume: AppAPI's (docs/protocol.md §3), behind the optional
/// <see cref="DeployerOptions.InstancePrefix"/>. The path inside the container never changes, so an ExApp cannot
/// tell two platforms apart.</summary>
public sealed partial class AppNames(IOptions<DeployerOptions> options)
{
    private string Prefix => options.Value.InstancePrefix;

    public string Container(string appId) => Prefix + AppApiProtocol.ContainerName(appId);

    public string Volume(string appId) => Prefix + AppApiProtocol.VolumeName(appId);

    /// <summary>The app id of one of our containers (<c>[prefix]nc_app_&lt;appid&gt;</c>), or null for any other.</summary>
    public string? AppIdOf(string containerName)
    {
        var name = containerName.TrimStart('/');
        var ours = Prefix + AppApiProtocol.ContainerName("");
        return name.StartsWith(ours, StringComparison.Ordinal) && name.Length > ours.Length ? name[ours.Length..] : null;
    }

    /// <summary>Empty, or what Docker accepts at the start of a container name.</summary>
    public static bool IsValidPrefix(string? prefix) => string.IsNullOrEmpty(prefix) || PrefixPattern().IsMatch(prefix);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex PrefixPattern();
}
