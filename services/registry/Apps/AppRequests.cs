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

/// <summary>Body of <c>POST /admin/apps/{appid}/update</c> (occ app:update).</summary>
public sealed record UpdateAppRequest(string? InfoXml, string? InfoXmlUrl, JsonElement? JsonInfo);

public sealed record UpdateAppResult(string Appid, Guid OperationId, string FromVersion, string ToVersion);

public sealed record EnableAppResult(string Appid, Guid OperationId);

/// <summary><see cref="Operation"/> is the kind of the operation in flight (install, update, enable, disable,
/// unregister) or null; <see cref="CurrentOperation"/> says more of it, <see cref="LastOperation"/> how the latest
/// one ended. <see cref="DeployDetail"/> is the deployer's latest progress of the app's latest deploy (bytes pulled):
/// it belongs to the operation it names.</summary>
public sealed record AppView(
    string Appid,
    string Name,
    string Version,
    string DaemonConfigName,
    int Port,
    bool Enabled,
    AppStatus Status,
    long CreatedTime,
    string? Operation,
    OperationView? CurrentOperation,
    OutcomeView? LastOperation,
    HealthView? Health = null,
    Timeline.DeployDetail? DeployDetail = null);

public sealed record RegisterAppResult(
    string Appid,
    Guid OperationId,
    int Port,
    AppStatus Status,
    IReadOnlyList<string> IgnoredEnv);
