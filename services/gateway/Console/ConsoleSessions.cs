using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Console;

/// <summary>A signed-in console session: <see cref="Csrf"/> is the token the page sends with every change.</summary>
public sealed class ConsoleSession(string key, string csrf, DateTimeOffset createdAt)
{
    public string Key { get; } = key;
    public string Csrf { get; } = csrf;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset LastSeen { get; set; } = createdAt;
}

/// <summary>The console's sessions, kept server-side in this gateway process: the browser holds only a random
/// session id (an HttpOnly, SameSite=Strict cookie), never the admin token. Sessions are found by the SHA-256 of
/// their id (so the table itself holds no usable cookie), end after <see cref="ConsoleOptions.SessionIdleTimeout"/>
/// unused or <see cref="ConsoleOptions.SessionLifetime"/> at most, and at sign-out. A gateway restart signs
/// everyone out; behind several gateway replicas, keep a client on one replica (sticky sessions).</summary>
public sealed class ConsoleSessions(IOptions<ConsoleOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>A new session; returns its id (for the cookie) and the session.</summary>
    public (string Id, ConsoleSession Session) Create()
    {
        Sweep();
        var o = options.Value;
        while (_sessions.Count >= o.MaxSessions
               && _sessions.Values.OrderBy(s => s.LastSeen).FirstOrDefault() is { } oldest)
            _sessions.TryRemove(oldest.Key, out _);
        var id = RandomToken();
        var session = new ConsoleSession(Hash(id), RandomToken(), clock.GetUtcNow());
        _sessions[session.Key] = session;
        return (id, session);
    }

    /// <summary>The live session of <paramref name="id"/> (its use is recorded), or null.</summary>
    public ConsoleSession? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 100) return null;
        if (!_sessions.TryGetValue(Hash(id), out var session)) return null;
        var now = clock.GetUtcNow();
        if (Expired(session, now))
        {
            _sessions.TryRemove(session.Key, out _);
            return null;
        }
        session.LastSeen = now;
        return session;
    }

    public void End(ConsoleSession session) => _sessions.TryRemove(session.Key, out _);

    public int Count => _sessions.Count;

    /// <summary>The CSRF token sent with a change matches the session's (compared in constant time).</summary>
    public static bool CsrfMatches(ConsoleSession session, string? given) =>
        given is { Length: > 0 and <= 100 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(given)), Encoding.ASCII.GetBytes(Hash(session.Csrf)));

    private bool Expired(ConsoleSession s, DateTimeOffset now) =>
        now - s.LastSeen > options.Value.SessionIdleTimeout || now - s.CreatedAt > options.Value.SessionLifetime;

    private void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var s in _sessions.Values)
            if (Expired(s, now)) _sessions.TryRemove(s.Key, out _);
    }

    private static string RandomToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
