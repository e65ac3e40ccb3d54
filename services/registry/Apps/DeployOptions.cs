using System.Text.Json.Serialization;
using ExApps.Contracts;
using ExApps.Registry.AppInfo;

namespace ExApps.Registry.Apps;

public sealed record MountDto(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("mode")] string Mode = "rw");

/// <summary>Per-app deploy options (docs/protocol.md §2.3), stored and re-applied on update.</summary>
public sealed record DeployOptionsDto(
    [property: JsonPropertyName("env")] Dictionary<string, string> Env,
    [property: JsonPropertyName("mounts")] List<MountDto> Mounts)
{
    public static DeployOptionsDto Empty => new([], []);

    /// <summary>The final app variables: declared ones only, an override wins over the default, empty values are
    /// not passed.</summary>
    public IReadOnlyList<AppEnvVar> FinalEnvironment(IEnumerable<DeclaredEnvVar> declared) => declared
        .Select(d => new AppEnvVar(d.Name, Env.TryGetValue(d.Name, out var v) ? v : d.Default ?? ""))
        .Where(e => e.Value.Length > 0)
        .ToList();

    public IReadOnlyList<AppMount> FinalMounts() =>
        Mounts.Select(m => new AppMount(m.Source, m.Target, m.Mode == "ro")).ToList();
}
