using System.Text.Json;
using ExApps.Contracts;
using ExApps.Registry.AppInfo;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;

namespace ExApps.Registry.Apps;

/// <summary>An update waiting for the lifecycle's Disabled: the new app info and the deploy operation to start.</summary>
public sealed record PendingUpdate(Guid DeployOperationId, AppInfoModel Info);

/// <summary>Builds the messages about a stored app, so install, update, enable and disable describe it the same way.</summary>
public static class AppMessages
{
    /// <summary>The stored app info (image, declared variables; routes live in their own column).</summary>
    public static AppInfoModel StoredInfo(this AppRow row) =>
        JsonSerializer.Deserialize<AppInfoModel>(row.Info) ?? throw new InvalidOperationException($"App {row.AppId} has no stored info.");

    public static DeployOptionsDto StoredOptions(this AppRow row) =>
        JsonSerializer.Deserialize<DeployOptionsDto>(row.DeployOptions) ?? DeployOptionsDto.Empty;

    /// <summary>Stores the app info the way <see cref="StoredInfo"/> reads it: without secret, port and routes.</summary>
    public static void SetInfo(this AppRow row, AppInfoModel info)
    {
        row.Name = info.Name;
        row.Version = info.Version;
        row.Info = JsonSerializer.Serialize(info with { Secret = null, Port = null, Routes = [] });
        row.Routes = JsonSerializer.Serialize(info.Routes);
    }

    public static DeployRequested Deploy(AppRow row, DaemonRow daemon, Guid operationId, string kind,
        SecretProtector protector)
    {
        var info = row.StoredInfo();
        var options = row.StoredOptions();
        return new DeployRequested(operationId, row.AppId, kind, row.Version, row.Name, row.Port,
            new Secret(protector.Unprotect(row.SecretEnc)), ExAppUrl.For(daemon, row.AppId, row.Port),
            daemon.Config().NextcloudUrl, info.Image, daemon.ToTarget(protector),
            options.FinalEnvironment(info.EnvironmentVariables), options.FinalMounts());
    }

    public static ExAppEndpoint Endpoint(AppRow row, DaemonRow daemon, SecretProtector protector) =>
        new(row.AppId, row.Version, ExAppUrl.For(daemon, row.AppId, row.Port), new Secret(protector.Unprotect(row.SecretEnc)));

    /// <summary>The daemon a lifecycle command needs for container work; none for manual installs.</summary>
    public static DaemonTarget? ContainerDaemon(DaemonRow daemon, SecretProtector protector) =>
        daemon.AcceptsDeployId == AppApiProtocol.DockerInstall ? daemon.ToTarget(protector) : null;
}
