namespace ExApps.Deployer.Docker;

/// <summary>What went wrong, so that callers can react (a missing container is fine when removing) without
/// parsing messages.</summary>
public enum DockerErrorKind
{
    /// <summary>The daemon's protocol or host cannot name an engine.</summary>
    InvalidTarget,
    /// <summary>No connection, TLS failure or no answer in time.</summary>
    Unreachable,
    /// <summary>The TLS handshake failed: an untrusted or wrong certificate, or TLS on one side only.</summary>
    TlsFailure,
    /// <summary>The engine (or the socket proxy in front of it) refused the credentials: HTTP 401/403.</summary>
    Unauthorized,
    /// <summary>The engine's and this client's API versions do not overlap.</summary>
    UnsupportedVersion,
    NotFound,
    Conflict,
    /// <summary>Any other error the engine reported.</summary>
    Engine,
}

/// <summary>An Engine API failure with a message an operator can act on. Messages are built from the engine's
/// display address and its answer, never from credentials.</summary>
public sealed class DockerEngineException(string message, DockerErrorKind kind, int? statusCode = null,
    Exception? inner = null) : Exception(message, inner)
{
    public DockerErrorKind Kind { get; } = kind;

    /// <summary>The HTTP status of the engine's answer, when there was one.</summary>
    public int? StatusCode { get; } = statusCode;
}
