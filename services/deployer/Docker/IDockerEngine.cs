using Docker.DotNet.Models;

namespace ExApps.Deployer.Docker;

/// <summary>The Engine API calls the deployer makes against one Docker engine, in Docker.DotNet's models. Every
/// failure is a <see cref="DockerEngineException"/>; "not found" answers that callers expect are return values
/// instead.</summary>
public interface IDockerEngine
{
    DockerEndpoint Endpoint { get; }

    /// <summary><c>GET /_ping</c> with a short timeout (AppAPI's "check connection").</summary>
    Task PingAsync(CancellationToken ct = default);

    Task<VersionResponse> GetVersionAsync(CancellationToken ct = default);

    /// <summary>The negotiated API version used in every versioned path; negotiated once per engine.</summary>
    Task<string> GetApiVersionAsync(CancellationToken ct = default);

    /// <summary>Pulls <paramref name="fromImage"/>:<paramref name="tag"/>, handing every streamed message to
    /// <paramref name="onMessage"/> in order, while the pull goes on.</summary>
    Task PullImageAsync(string fromImage, string tag, Func<JSONMessage, ValueTask> onMessage, CancellationToken ct = default);

    /// <returns>null when the engine has no such image.</returns>
    Task<ImageInspectResponse?> InspectImageAsync(string reference, CancellationToken ct = default);

    /// <summary>Removes an image (by id or reference) unless the engine refuses because something still uses it.</summary>
    /// <returns>false when there was no such image.</returns>
    Task<bool> RemoveImageAsync(string reference, CancellationToken ct = default);

    /// <summary>Every container, running or not, created from <paramref name="image"/> or an image built on it.</summary>
    Task<IReadOnlyList<ContainerListResponse>> ListContainersUsingAsync(string image, CancellationToken ct = default);

    /// <summary>Creates the named volume; an existing volume is kept as it is.</summary>
    Task CreateVolumeAsync(string name, CancellationToken ct = default);

    /// <returns>false when there was no such volume.</returns>
    Task<bool> RemoveVolumeAsync(string name, CancellationToken ct = default);

    /// <returns>The new container's id.</returns>
    Task<string> CreateContainerAsync(string name, CreateContainerParameters body, CancellationToken ct = default);

    Task StartContainerAsync(string name, CancellationToken ct = default);

    /// <returns>null when there is no such container.</returns>
    Task<ContainerInspectResponse?> InspectContainerAsync(string name, CancellationToken ct = default);

    /// <returns>false when there is no such container.</returns>
    Task<bool> StopContainerAsync(string name, TimeSpan? wait = null, CancellationToken ct = default);

    /// <returns>false when there was no such container.</returns>
    Task<bool> RemoveContainerAsync(string name, bool force, CancellationToken ct = default);

    /// <summary>The last <paramref name="tail"/> lines (all when not positive) of stdout and stderr, interleaved,
    /// frame headers removed.</summary>
    Task<string> GetLogsAsync(string name, int tail, CancellationToken ct = default);

    /// <summary>Follows the engine's container events (<c>die</c>, <c>oom</c>, <c>start</c>, <c>destroy</c>) in
    /// order until <paramref name="ct"/> is cancelled; throws when the stream breaks (the engine went away).</summary>
    Task FollowContainerEventsAsync(Func<Message, Task> onEvent, CancellationToken ct);
}

/// <summary>Hands out one client per engine (connection pools are per engine, not per call).</summary>
public interface IDockerEngines
{
    IDockerEngine Get(ExApps.Contracts.DaemonTarget daemon);
}
