using System.Text.Json.Serialization;

namespace ExApps.Registry.Daemons;

/// <summary>A daemon's deploy_config (docs/protocol.md §1) as stored; the password is kept apart, encrypted.</summary>
public sealed class DeployConfig
{
    [JsonPropertyName("net")] public string Net { get; set; } = "host";
    [JsonPropertyName("nextcloud_url")] public string NextcloudUrl { get; set; } = "";
    [JsonPropertyName("computeDevice")] public ComputeDevice ComputeDevice { get; set; } = ComputeDevice.Cpu;
    [JsonPropertyName("registries")] public List<RegistryRemapDto> Registries { get; set; } = [];
    [JsonPropertyName("additional_options")] public Dictionary<string, string> AdditionalOptions { get; set; } = [];
    [JsonPropertyName("resourceLimits")] public ResourceLimitsDto? ResourceLimits { get; set; }
    /// <summary>What the platform does when an enabled app's container dies or vanishes: <c>none</c> (report it in
    /// the app's health), <c>restart</c> or <c>redeploy</c> (this platform's own; AppAPI does nothing).</summary>
    [JsonPropertyName("auto_recover")] public string AutoRecover { get; set; } = "none";

    public static readonly string[] AutoRecoverPolicies = ["none", "restart", "redeploy"];
}

public sealed record ComputeDevice(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("label")] string Label)
{
    public static readonly ComputeDevice Cpu = new("cpu", "CPU");
    public static readonly ComputeDevice Cuda = new("cuda", "CUDA (NVIDIA)");
    public static readonly ComputeDevice Rocm = new("rocm", "ROCm (AMD)");

    public static ComputeDevice? FromId(string? id) => (id ?? "cpu").Trim().ToLowerInvariant() switch
    {
        "cpu" or "" => Cpu,
        "cuda" => Cuda,
        "rocm" => Rocm,
        _ => null,
    };
}

public sealed record RegistryRemapDto(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To);

public sealed record ResourceLimitsDto(
    [property: JsonPropertyName("memory")] long? Memory,
    [property: JsonPropertyName("nanoCPUs")] long? NanoCpus);
