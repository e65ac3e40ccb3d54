using System.Text.Json;
using ExApps.Registry.AppInfo;
using ExApps.Registry.Persistence;

namespace ExApps.Registry.Apps;

/// <summary>Reads and writes the stored app info and deploy options of an app record.</summary>
public static class AppRecords
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
}
