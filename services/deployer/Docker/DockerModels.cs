using System.Text.Json.Serialization;

namespace ExApps.Deployer.Docker;

// The subset of Engine API answers the deployer reads. Property names are Docker's; JSON is read
// case-insensitively (the pull stream uses lower case, everything else Pascal case).

public sealed record DockerVersion(
    string Version,
    string ApiVersion,
    [property: JsonPropertyName("MinAPIVersion")] string? MinApiVersion,
    string? Os,
    string? Arch);

/// <summary>One line of the <c>POST /images/create</c> stream.</summary>
public sealed record PullMessage(
    string? Status,
    string? Id,
    PullProgressDetail? ProgressDetail,
    string? Error,
    PullErrorDetail? ErrorDetail);

public sealed record PullProgressDetail(long? Current, long? Total);

public sealed record PullErrorDetail(string? Message);

public sealed record ImageInfo(string Id, IReadOnlyList<string>? RepoTags);

/// <summary><see cref="Image"/> is the id of the image the container was created from; <c>Config.Image</c> is the
/// reference it was asked for. <see cref="RestartCount"/> counts the engine's restarts of it (its restart policy after a crash).</summary>
public sealed record ContainerInfo(string Id, string Name, ContainerState State, ContainerConfig Config,
    string? Image = null, int RestartCount = 0);

/// <summary>One entry of <c>GET /containers/json</c>.</summary>
public sealed record ContainerSummary(string Id, IReadOnlyList<string>? Names, string? Image, string? ImageId);

public sealed record ContainerState(string Status, bool Running, int ExitCode, string? Error, ContainerHealth? Health,
    bool OOMKilled = false);

public sealed record ContainerHealth(string? Status);

public sealed record ContainerConfig(string? Hostname, string? Image, IReadOnlyList<string>? Env, bool Tty);

internal sealed record CreatedResponse(string Id, IReadOnlyList<string>? Warnings);

internal sealed record ErrorResponse(string? Message);
