using ExApps.Contracts;

namespace ExApps.Deployer.Docker;

/// <summary>How to reach one Docker engine, derived from a daemon as AppAPI does: a host starting with <c>/</c> is a
/// unix socket, anything else is <c>&lt;protocol&gt;://&lt;host&gt;</c>; a non-empty HAProxy password means basic
/// auth.</summary>
public sealed class DockerEndpoint : IEquatable<DockerEndpoint>
{
    /// <summary>The user AppAPI's Docker socket proxy expects.</summary>
    public const string HaproxyUser = "app_api_haproxy_user";

    private DockerEndpoint(string display, Uri baseAddress, string? unixSocketPath, Secret? password)
    {
        Display = display;
        BaseAddress = baseAddress;
        UnixSocketPath = unixSocketPath;
        Password = password;
    }

    /// <summary>The address shown in messages and logs (<c>unix:///var/run/docker.sock</c>, <c>https://host:2375</c>).</summary>
    public string Display { get; }

    /// <summary>The engine's address as Docker.DotNet takes it: <c>unix:///path</c>, <c>http(s)://host:port/</c>.</summary>
    public Uri BaseAddress { get; }

    public string? UnixSocketPath { get; }

    public Secret? Password { get; }

    public bool IsHttps => BaseAddress.Scheme == Uri.UriSchemeHttps;

    public static DockerEndpoint From(DaemonTarget daemon)
    {
        var password = string.IsNullOrEmpty(daemon.HaproxyPassword?.Value) ? null : daemon.HaproxyPassword;
        var host = daemon.Host.Trim();
        if (host.StartsWith('/'))
            return new DockerEndpoint($"unix://{host}", new Uri($"unix://{host}"), host, password);

        var protocol = daemon.Protocol.Trim().ToLowerInvariant();
        if (protocol is not ("http" or "https"))
            throw new DockerEngineException(
                $"Daemon {daemon.Name} has protocol '{daemon.Protocol}'; only http and https are supported.",
                DockerErrorKind.InvalidTarget);
        if (!Uri.TryCreate($"{protocol}://{host}", UriKind.Absolute, out var uri) || uri.AbsolutePath != "/")
            throw new DockerEngineException(
                $"Daemon {daemon.Name} has host '{daemon.Host}', which is neither host:port nor a socket path.",
                DockerErrorKind.InvalidTarget);
        return new DockerEndpoint($"{protocol}://{host}", uri, null, password);
    }

    public bool Equals(DockerEndpoint? other) =>
        other is not null && Display == other.Display && Equals(Password, other.Password);

    public override bool Equals(object? obj) => Equals(obj as DockerEndpoint);

    public override int GetHashCode() => HashCode.Combine(Display, Password);

    public override string ToString() => Display;
}
