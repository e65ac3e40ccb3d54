namespace ExApps.Deployer.Deploy;

public enum ComputeDevice
{
    Cpu,
    Cuda,
    Rocm,
}

public static class ComputeDevices
{
    /// <summary>A daemon's device id (<c>cpu</c>, <c>cuda</c>, <c>rocm</c>; empty means cpu).</summary>
    public static ComputeDevice Parse(string? id) => (id ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "cpu" => ComputeDevice.Cpu,
        "cuda" => ComputeDevice.Cuda,
        "rocm" => ComputeDevice.Rocm,
        _ => throw new DeployException($"Unsupported compute device '{id}': expected cpu, cuda or rocm."),
    };

    /// <summary>The image tag suffix: <c>cpu</c>, <c>cuda</c>, <c>rocm</c>.</summary>
    public static string TagSuffix(this ComputeDevice device) => device.ToString().ToLowerInvariant();

    /// <summary>The <c>COMPUTE_DEVICE</c> value: <c>CPU</c>, <c>CUDA</c>, <c>ROCM</c>.</summary>
    public static string EnvValue(this ComputeDevice device) => device.ToString().ToUpperInvariant();
}
