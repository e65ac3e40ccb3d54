namespace ExApps.Gateway.Console;

/// <summary>Section <c>Gateway:Console</c>: the operators' web console under <c>/console</c>.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Gateway:Console";

    /// <summary>false: <c>/console</c> answers 404 and no session cookie is accepted on <c>/admin</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A session not used for this long is signed out (an open page keeps it alive).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>No session lives longer than this, used or not.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Sessions kept at once; signing in beyond it ends the least recently used one.</summary>
    public int MaxSessions { get; set; } = 1000;
}
