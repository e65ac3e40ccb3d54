using ExApps.Contracts;

namespace ExApps.Lifecycle.ExAppHttp;

/// <summary>The calls the lifecycle makes to an ExApp (docs/protocol.md §5). Failures come back as results with a
/// readable reason (never containing the secret); only the caller's cancellation throws.</summary>
public interface IExAppClient
{
    /// <summary><c>GET /heartbeat</c>: ok when the answer is 200 with JSON <c>{"status":"ok"}</c>. With
    /// <paramref name="probeFirst"/> (the last try found nothing listening) a plain TCP connect comes first: while it is
    /// refused the try fails as the request would, without the HTTP stack (<see cref="CallResult.Refused"/>).</summary>
    Task<CallResult> HeartbeatAsync(string exAppUrl, CancellationToken ct, bool probeFirst = false);

    /// <summary><c>POST /init</c> with the §4.2 headers and no body.</summary>
    Task<InitCallResult> InitAsync(ExAppTarget app, CancellationToken ct);

    /// <summary><c>PUT /enabled?enabled=1|0</c> (the same limit both ways): ok when the JSON answer's <c>error</c>
    /// is empty or missing.</summary>
    Task<CallResult> SetEnabledAsync(ExAppTarget app, bool enabled, CancellationToken ct);
}

/// <summary>What a call to an ExApp needs: where it is and how to authenticate to it.</summary>
public sealed record ExAppTarget(string AppId, string Version, string ExAppUrl, Secret Secret);

/// <param name="Refused">The connection was refused: nothing listens at the ExApp's address (yet).</param>
public sealed record CallResult(bool Ok, string Error, bool Refused = false)
{
    public static readonly CallResult Success = new(true, "");
    public static CallResult Failure(string error) => new(false, error);
}

public enum InitOutcome
{
    /// <summary>2xx: the ExApp initializes and reports its progress itself.</summary>
    Started,
    /// <summary>404 or 501: the ExApp has no init step, which counts as init 100.</summary>
    NoInitStep,
    Failed,
}

public sealed record InitCallResult(InitOutcome Outcome, string Error);
