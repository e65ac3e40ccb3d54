using ExApps.Gateway.Console;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Tests;

public sealed class ConsoleSessionsTests
{
    private readonly WallClock _clock = new();

    private ConsoleSessions Sessions(int max = 10) => new(Options.Create(new ConsoleOptions
    {
        SessionIdleTimeout = TimeSpan.FromMinutes(30), SessionLifetime = TimeSpan.FromHours(2), MaxSessions = max,
    }), _clock);

    [Fact]
    public void A_session_is_found_by_its_id_only_and_its_csrf_token_is_another_secret()
    {
        var sessions = Sessions();
        var (id, session) = sessions.Create();
        Assert.Same(session, sessions.Find(id));
        Assert.Null(sessions.Find(id + "x"));
        Assert.Null(sessions.Find(session.Key)); // the stored key (a hash) is no cookie
        Assert.NotEqual(id, session.Csrf);
        Assert.True(ConsoleSessions.CsrfMatches(session, session.Csrf));
        Assert.False(ConsoleSessions.CsrfMatches(session, id));
        Assert.False(ConsoleSessions.CsrfMatches(session, null));
        Assert.False(ConsoleSessions.CsrfMatches(session, ""));
    }

    [Fact]
    public void A_session_ends_when_idle_too_long_or_past_its_lifetime_and_at_sign_out()
    {
        var sessions = Sessions();
        var (idle, _) = sessions.Create();
        _clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(sessions.Find(idle));

        var (used, _) = sessions.Create();
        for (var i = 0; i < 4; i++) // 100 minutes of a 2-hour lifetime
        {
            _clock.Advance(TimeSpan.FromMinutes(25));
            Assert.NotNull(sessions.Find(used)); // use keeps it alive...
        }
        _clock.Advance(TimeSpan.FromMinutes(25));
        Assert.Null(sessions.Find(used)); // ...up to its lifetime

        var (ended, session) = sessions.Create();
        sessions.End(session);
        Assert.Null(sessions.Find(ended));
    }

    [Fact]
    public void Past_the_maximum_the_least_recently_used_session_gives_way()
    {
        var sessions = Sessions(max: 2);
        var (first, _) = sessions.Create();
        _clock.Advance(TimeSpan.FromSeconds(1));
        var (second, _) = sessions.Create();
        _clock.Advance(TimeSpan.FromSeconds(1));
        sessions.Find(first);
        var (third, _) = sessions.Create();
        Assert.NotNull(sessions.Find(first));
        Assert.Null(sessions.Find(second));
        Assert.NotNull(sessions.Find(third));
        Assert.Equal(2, sessions.Count);
    }
}

/// <summary>A clock of the wall time that only moves when told.</summary>
public sealed class WallClock : TimeProvider
{
    private DateTimeOffset _now = new(2025, 1, 2, 10, 0, 0, TimeSpan.Zero);
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
