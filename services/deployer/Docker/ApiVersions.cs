namespace ExApps.Deployer.Docker;

/// <summary>Engine API version negotiation. AppAPI hard-coded <c>/v1.44</c> and broke when Docker 29 dropped old
/// versions; we pick the newest version both sides speak.</summary>
public static class ApiVersions
{
    /// <summary>min(engine's ApiVersion, ours), refused when below the engine's MinAPIVersion.</summary>
    public static string Negotiate(string engine, string serverApiVersion, string? serverMinApiVersion, string maxSupported)
    {
        if (!Version.TryParse(serverApiVersion, out var server))
            throw new DockerEngineException(
                $"Docker engine {engine} reported no usable API version ('{serverApiVersion}').",
                DockerErrorKind.UnsupportedVersion);
        var max = Version.Parse(maxSupported);
        var chosen = server < max ? server : max;
        if (Version.TryParse(serverMinApiVersion, out var min) && chosen < min)
            throw new DockerEngineException(
                $"Docker engine {engine} requires Engine API {min} or newer, but this deployer speaks at most {max}.",
                DockerErrorKind.UnsupportedVersion);
        return $"{chosen.Major}.{chosen.Minor}";
    }
}
