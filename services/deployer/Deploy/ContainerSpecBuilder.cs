using ExApps.Contracts;
using ExApps.Deployer.Docker;

namespace ExApps.Deployer.Deploy;

/// <summary>The <c>POST /containers/create</c> body of an ExApp, exactly as docs/protocol.md §3 step 4 describes it.</summary>
public static class ContainerSpecBuilder
{
    public const string OverrideAppHost = "OVERRIDE_APP_HOST";
    public const string HostNetwork = "host";

    // Networks on which Docker refuses endpoint aliases; every other name is a user-defined network.
    private static readonly string[] BuiltInNetworks = ["host", "bridge", "none", "default"];

    /// <param name="volumeName">The data volume's Docker name (it carries the instance prefix, if any).</param>
    public static ContainerCreateBody Build(DeployRequested request, string image, string restartPolicy,
        string? volumeName = null)
    {
        var daemon = request.Daemon;
        var device = ComputeDevices.Parse(daemon.ComputeDevice);
        var net = NetworkOf(daemon);

        var mounts = new List<Mount>
        {
            new("volume", volumeName ?? AppApiProtocol.VolumeName(request.AppId), AppApiProtocol.PersistentStorage(request.AppId), false),
        };
        mounts.AddRange(request.Mounts.Select(m => new Mount("bind", m.Source, m.Target, m.ReadOnly)));

        var hostConfig = new HostConfig(
            NetworkMode: net,
            RestartPolicy: new RestartPolicy(restartPolicy),
            Mounts: mounts,
            DeviceRequests: device == ComputeDevice.Cuda
                ? [new DeviceRequest("nvidia", -1, [["compute", "utility"]])]
                : null,
            Devices: device == ComputeDevice.Rocm
                ? [new DeviceMapping("/dev/kfd", "/dev/kfd", "rwm"), new DeviceMapping("/dev/dri", "/dev/dri", "rwm")]
                : null,
            Memory: daemon.ResourceLimits?.Memory,
            NanoCpus: daemon.ResourceLimits?.NanoCpus);

        var networking = IsUserDefined(net)
            ? new NetworkingConfig(new Dictionary<string, EndpointSettings> { [net] = new([request.AppId]) })
            : null;

        return new ContainerCreateBody(request.AppId, image, Environment(request, device, net), hostConfig, networking);
    }

    /// <summary>The container environment, in AppAPI's order: the platform's variables, the cuda extras, then the
    /// app's declared variables that have a value.</summary>
    public static IReadOnlyList<string> Environment(DeployRequested request, ComputeDevice device, string net)
    {
        var env = new List<string>
        {
            $"AA_VERSION={AppApiProtocol.Version}",
            $"APP_SECRET={request.Secret.Value}",
            $"APP_ID={request.AppId}",
            $"APP_DISPLAY_NAME={request.DisplayName}",
            $"APP_VERSION={request.Version}",
            $"APP_HOST={AppHost(request.Daemon, net)}",
            $"APP_PORT={request.Port}",
            $"APP_PERSISTENT_STORAGE={AppApiProtocol.PersistentStorage(request.AppId)}",
            $"NEXTCLOUD_URL={request.NextcloudUrl}",
            $"COMPUTE_DEVICE={device.EnvValue()}",
        };
        if (device == ComputeDevice.Cuda)
        {
            env.Add("NVIDIA_VISIBLE_DEVICES=all");
            env.Add("NVIDIA_DRIVER_CAPABILITIES=compute,utility");
        }
        env.AddRange(request.Environment.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => $"{v.Name}={v.Value}"));
        return env;
    }

    /// <summary>The address the ExApp binds to: the daemon's <c>OVERRIDE_APP_HOST</c>, else loopback on the host
    /// network (the ExApp shares the host's ports), else every interface of the container.</summary>
    public static string AppHost(DaemonTarget daemon, string net) =>
        daemon.AdditionalOptions.TryGetValue(OverrideAppHost, out var host) && !string.IsNullOrWhiteSpace(host)
            ? host.Trim()
            : net == HostNetwork ? "127.0.0.1" : "0.0.0.0";

    public static string NetworkOf(DaemonTarget daemon) =>
        string.IsNullOrWhiteSpace(daemon.Net) ? HostNetwork : daemon.Net.Trim();

    public static bool IsUserDefined(string net) =>
        !BuiltInNetworks.Contains(net) && !net.StartsWith("container:", StringComparison.Ordinal);
}
