using System.Text.Json;

namespace ExApps.Cli.Api;

/// <summary>One entry of <c>GET /admin/daemons</c>.</summary>
public sealed class DaemonView
{
    public string Name { get; init => field = value ?? ""; } = "";
    public string DisplayName { get; init => field = value ?? ""; } = "";
    public string DeployId { get; init => field = value ?? ""; } = "";
    public string Protocol { get; init => field = value ?? ""; } = "";
    public string Host { get; init => field = value ?? ""; } = "";
    public JsonElement DeployConfig { get; init; }
    public bool IsDefault { get; init; }
    public int AppsCount { get; init; }

    public string Net => ConfigString("net");
    public string NextcloudUrl => ConfigString("nextcloud_url");

    /// <summary>The compute device id; the spec stores <c>computeDevice: {id, label}</c>, accept a plain string too.</summary>
    public string ComputeDevice
    {
        get
        {
            foreach (var key in (string[])["computeDevice", "compute_device"])
            {
                if (!TryGetConfig(key, out var device))
                    continue;
                if (device.ValueKind == JsonValueKind.String)
                    return device.GetString() ?? "";
                if (device.ValueKind == JsonValueKind.Object && device.TryGetProperty("id", out var id))
                    return id.ToString();
            }
            return "";
        }
    }

    private string ConfigString(string key) =>
        TryGetConfig(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    private bool TryGetConfig(string key, out JsonElement value)
    {
        value = default;
        return DeployConfig.ValueKind == JsonValueKind.Object && DeployConfig.TryGetProperty(key, out value);
    }
}

/// <summary>The status object of docs/protocol.md §2.1.</summary>
public sealed class AppStatus
{
    public int Deploy { get; init; }
    public int Init { get; init; }
    public string Action { get; init => field = value ?? ""; } = "";
    public string Type { get; init => field = value ?? ""; } = "";
    public string Error { get; init => field = value ?? ""; } = "";
    public long DeployStartTime { get; init; }
    public long InitStartTime { get; init; }
    public int HeartbeatCount { get; init; }
}

/// <summary>One entry of <c>GET /admin/apps</c>, or <c>GET /admin/apps/{appid}</c>.</summary>
public sealed class AppView
{
    public string Appid { get; init => field = value ?? ""; } = "";
    public string Name { get; init => field = value ?? ""; } = "";
    public string Version { get; init => field = value ?? ""; } = "";
    public string DaemonConfigName { get; init => field = value ?? ""; } = "";
    public int? Port { get; init; }
    public bool Enabled { get; init; }
    public AppStatus Status { get; init => field = value ?? new AppStatus(); } = new();

    /// <summary>The operation running for the app (install, update, enable, disable, unregister), or null.</summary>
    public string? Operation { get; init; }

    /// <summary>More of the operation in flight: its id and step (<c>requested</c> until the platform picks it up).</summary>
    public OperationView? CurrentOperation { get; init; }

    /// <summary>How the latest operation ended.</summary>
    public OutcomeView? LastOperation { get; init; }

    /// <summary>How the app is doing while enabled (null: not watched, e.g. disabled).</summary>
    public HealthView? Health { get; init; }
}

/// <summary><see cref="State"/>: ok, down, restarting or missing.</summary>
public sealed class HealthView
{
    public string State { get; init => field = value ?? ""; } = "";
    public string Reason { get; init => field = value ?? ""; } = "";
    public int Restarts { get; init; }
}

public sealed class OperationView
{
    public Guid Id { get; init; }
    public string Kind { get; init => field = value ?? ""; } = "";
    public string Step { get; init => field = value ?? ""; } = "";
}

/// <summary><see cref="Outcome"/>: enabled, disabled, failed, refused or removed.</summary>
public sealed class OutcomeView
{
    public Guid Id { get; init; }
    public string Kind { get; init => field = value ?? ""; } = "";
    public string Outcome { get; init => field = value ?? ""; } = "";
    public string Error { get; init => field = value ?? ""; } = "";
}

/// <summary>One entry of <c>GET /admin/apps/updates</c>: an installed app and the newer release the store offers.</summary>
public sealed class AppUpdateView
{
    public string Appid { get; init => field = value ?? ""; } = "";
    public string Name { get; init => field = value ?? ""; } = "";
    public string Version { get; init => field = value ?? ""; } = "";
    public string NewVersion { get; init => field = value ?? ""; } = "";
    public bool Enabled { get; init; }
    public string DaemonConfigName { get; init => field = value ?? ""; } = "";
}

/// <summary>One entry of <c>GET /admin/catalog</c>: <see cref="Version"/> is the release the platform would install
/// (null: none compatible), <see cref="InstalledVersion"/> the installed one (null: not installed).</summary>
public sealed class CatalogEntryView
{
    public string Appid { get; init => field = value ?? ""; } = "";
    public string Name { get; init => field = value ?? ""; } = "";
    public string Summary { get; init => field = value ?? ""; } = "";
    public IReadOnlyList<string> Categories { get; init => field = value ?? []; } = [];
    public string? Version { get; init; }
    public string? InstalledVersion { get; init; }
    public bool UpdateAvailable { get; init; }
}

/// <summary>Answer of <c>POST /admin/daemons/{name}/check</c>.</summary>
public sealed class DaemonCheckView
{
    public bool Reachable { get; init; }
    public string Message { get; init => field = value ?? ""; } = "";
    public string? ApiVersion { get; init; }
}

/// <summary>An image registry remap of a daemon (<c>to = local</c>: never pull).</summary>
public sealed class RegistryRemapView
{
    public string From { get; init => field = value ?? ""; } = "";
    public string To { get; init => field = value ?? ""; } = "";
}

/// <summary>Outcome of <c>POST /admin/daemons</c>: created, or skipped because the name exists.</summary>
public sealed record RegisterDaemonResult(bool Skipped, string? Message);
