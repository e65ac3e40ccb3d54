namespace ExApps.Registry.Daemons;

/// <summary>Body of <c>POST /admin/daemons</c> (occ daemon:register's arguments and options).</summary>
public sealed record RegisterDaemonRequest(
    string? Name,
    string? DisplayName,
    string? AcceptsDeployId,
    string? Protocol,
    string? Host,
    string? NextcloudUrl,
    string? Net,
    string? HaproxyPassword,
    string? ComputeDevice,
    bool SetDefault,
    string? AutoRecover = null);

/// <summary>A daemon as the admin API shows it (AppAPI's daemon:list JSON), password masked.</summary>
public sealed record DaemonView(
    string Name,
    string DisplayName,
    string DeployId,
    string Protocol,
    string Host,
    Dictionary<string, object?> DeployConfig,
    bool IsDefault,
    int AppsCount);
