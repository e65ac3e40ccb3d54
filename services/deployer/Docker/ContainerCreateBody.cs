namespace ExApps.Deployer.Docker;

// The body of POST /containers/create, limited to what ExApp containers use. Null members are not sent, so the
// engine applies its own defaults.

public sealed record ContainerCreateBody(
    string Hostname,
    string Image,
    IReadOnlyList<string> Env,
    HostConfig HostConfig,
    NetworkingConfig? NetworkingConfig);

public sealed record HostConfig(
    string NetworkMode,
    RestartPolicy RestartPolicy,
    IReadOnlyList<Mount> Mounts,
    IReadOnlyList<DeviceRequest>? DeviceRequests = null,
    IReadOnlyList<DeviceMapping>? Devices = null,
    long? Memory = null,
    long? NanoCpus = null);

public sealed record RestartPolicy(string Name);

/// <summary><see cref="Type"/> is <c>volume</c> or <c>bind</c>.</summary>
public sealed record Mount(string Type, string Source, string Target, bool ReadOnly);

public sealed record DeviceRequest(string Driver, int Count, IReadOnlyList<IReadOnlyList<string>> Capabilities);

public sealed record DeviceMapping(string PathOnHost, string PathInContainer, string CgroupPermissions);

public sealed record NetworkingConfig(IReadOnlyDictionary<string, EndpointSettings> EndpointsConfig);

public sealed record EndpointSettings(IReadOnlyList<string> Aliases);
