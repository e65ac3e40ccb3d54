using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExApps.Registry.Status;

/// <summary>The status object of docs/protocol.md §2.1, as stored and returned.</summary>
public sealed class AppStatus
{
    [JsonPropertyName("deploy")] public int Deploy { get; set; }
    [JsonPropertyName("init")] public int Init { get; set; }
    [JsonPropertyName("action")] public string Action { get; set; } = "";
    [JsonPropertyName("type")] public string Type { get; set; } = "install";
    [JsonPropertyName("error")] public string Error { get; set; } = "";
    [JsonPropertyName("deploy_start_time")] public long DeployStartTime { get; set; }
    [JsonPropertyName("init_start_time")] public long InitStartTime { get; set; }
    [JsonPropertyName("heartbeat_count")] public int HeartbeatCount { get; set; }

    public static AppStatus NewInstall() => new() { Type = "install" };

    public static AppStatus Parse(string json) => JsonSerializer.Deserialize<AppStatus>(json) ?? new AppStatus();

    public string ToJson() => JsonSerializer.Serialize(this);
}
