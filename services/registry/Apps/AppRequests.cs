using System.Text.Json;
using ExApps.Registry.Status;

namespace ExApps.Registry.Apps;

/// <summary>Body of <c>POST /admin/apps</c> (occ app:register).</summary>
public sealed record RegisterAppRequest(
    string? Appid,
    string? Daemon,
    string? InfoXml,
    string? InfoXmlUrl,
    JsonElement? JsonInfo,
    Dictionary<string, string>? Env,
    List<MountDto>? Mounts);

public sealed record AppView(
    string Appid,
    string Name,
    string Version,
    string DaemonConfigName,
    int Port,
    bool Enabled,
    AppStatus Status,
    long CreatedTime);

public sealed record RegisterAppResult(
    string Appid,
    Guid OperationId,
    int Port,
    AppStatus Status,
    IReadOnlyList<string> IgnoredEnv);
