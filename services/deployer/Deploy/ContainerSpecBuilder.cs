using Docker.DotNet.Models;
using ExApps.Contracts;

namespace ExApps.Deployer.Deploy;

/// <summary>The <c>POST /containers/create</c> body of an ExApp, as AppAPI's deploy step 4 makes it: hostname and
/// alias are the app id, the data volume and the app's bind mounts, the compute device's devices, the daemon's
/// resource limits. Everything left unset is the engine's default.</summary>
public static class ContainerSpecBuilder
{
    public const string OverrideAppHost = "OVERRIDE_APP_HOST";
    public const string HostNetwork = "host";

    // Networks on which Docker refuses endpoint aliases; every other name is a user-defined network.
    private static readonly string[] BuiltInNetworks = ["host", "bridge", "none", "default"];

    /// <param name="restartPolicy">One of DeployerOptions' restart policies (<c>unless-stopped</c>, ...).</param>
    /// <param name="volumeName">The data volume's Docker name (it carries the instance prefix, if any).</param>
    public static CreateContainerParameters Build(DeployRequested request, string image, string restartPolicy,
        string? volumeName = null)
    {
        var daemon = request.Daemon;
        var device = ComputeDevices.Parse(daemon.ComputeDevice);
        var net = NetworkOf(daemon);

        var mounts = new List<Mount>
        {
            new() { Type = "volume", Source = volumeName ?? AppApiProtocol.VolumeName(request.AppId),
                Target = AppApiProtocol.PersistentStorage(request.AppId), ReadOnly = false },
        };
        mounts.AddRange(request.Mounts.Select(m => new Mount { Type = "bind", Source = m.Source, Target = m.Target, ReadOnly = m.ReadOnly }));

        var hostConfig = new HostConfig
        {
            NetworkMode = net,
            RestartPolicy = new RestartPolicy { Name = RestartPolicyKindOf(restartPolicy) },
            Mounts = mounts,
            Memory = daemon.ResourceLimits?.Memory ?? 0,
            NanoCPUs = daemon.ResourceLimits?.NanoCpus ?? 0,
        };
        if (device == ComputeDevice.Cuda)
            hostConfig.DeviceRequests = [new DeviceRequest { Driver = "nvidia", Count = -1, Capabilities = [["compute", "utility"]] }];
        if (device == ComputeDevice.Rocm)
            hostConfig.Devices = [Device("/dev/kfd"), Device("/dev/dri")];

        var body = new CreateContainerParameters
        {
            Hostname = request.AppId,
            Image = image,
            Env = [.. Environment(request, device, net)],
            HostConfig = hostConfig,
        };
        if (IsUserDefined(net))
            body.NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [net] = new() { Aliases = [request.AppId] } },
            };
        return body;
    }

    private static DeviceMapping Device(string path) =>
        new() { PathOnHost = path, PathInContainer = path, CgroupPermissions = "rwm" };

    private static RestartPolicyKind RestartPolicyKindOf(string policy) => policy switch
    {
        "no" => RestartPolicyKind.No,
        "always" => RestartPolicyKind.Always,
        "on-failure" => RestartPolicyKind.OnFailure,
        "unless-stopped" => RestartPolicyKind.UnlessStopped,
        _ => throw new ArgumentException($"Unknown restart policy '{policy}'.", nameof(policy)),
    };

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
