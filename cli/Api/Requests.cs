using System.Text.Json;

namespace ExApps.Cli.Api;

/// <summary>Body of <c>POST /admin/daemons</c>.</summary>
public sealed record RegisterDaemonRequest(
    string Name,
    string DisplayName,
    string AcceptsDeployId,
    string Protocol,
    string Host,
    string NextcloudUrl,
    string? Net = null,
    string? HaproxyPassword = null,
    string? ComputeDevice = null,
    bool? SetDefault = null,
    string? AutoRecover = null)
{
    // The generated record ToString would print the password; nothing may ever do that.
    public override string ToString() => $"RegisterDaemonRequest {{ Name = {Name}, Host = {Host} }}";
}

/// <summary>A bind mount of <c>--mount SRC:DST[:ro|rw]</c>.</summary>
public sealed record MountSpec(string Source, string Target, string Mode);

/// <summary>Body of <c>POST /admin/apps</c>.</summary>
public sealed record RegisterAppRequest(
    string Appid,
    string? Daemon = null,
    string? InfoXml = null,
    string? InfoXmlUrl = null,
    JsonElement? JsonInfo = null,
    IReadOnlyDictionary<string, string>? Env = null,
    IReadOnlyList<MountSpec>? Mounts = null);

/// <summary>Body of <c>POST /admin/apps/{appid}/update</c>.</summary>
public sealed record UpdateAppRequest(string? InfoXml = null, string? InfoXmlUrl = null, JsonElement? JsonInfo = null);
