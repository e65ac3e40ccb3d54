using ExApps.Contracts;

namespace ExApps.Registry.AppInfo;

/// <summary>An ExApp's description, parsed from info.xml or --json-info (docs/protocol.md §7) and validated.</summary>
public sealed record AppInfoModel(
    string Id,
    string Name,
    string Version,
    ImageRef Image,
    IReadOnlyList<DeclaredEnvVar> EnvironmentVariables,
    IReadOnlyList<AppRoute> Routes,
    string? Secret = null,
    int? Port = null);

public sealed record DeclaredEnvVar(string Name, string DisplayName, string Description, string? Default);

/// <summary>A proxy route: <see cref="AccessLevel"/> is 0 PUBLIC, 1 USER, 2 ADMIN.</summary>
public sealed record AppRoute(
    string Url,
    string Verb,
    int AccessLevel,
    IReadOnlyList<string> HeadersToExclude,
    IReadOnlyList<int> BruteforceProtection);

/// <summary>App info that cannot be accepted; <see cref="Field"/> names the offending field, <see cref="Status"/> is
/// 400, or 413 for a document over its size limit.</summary>
public sealed class AppInfoException(string field, string message, int status = 400) : Exception(message)
{
    public string Field { get; } = field;
    public int Status { get; } = status;
}
