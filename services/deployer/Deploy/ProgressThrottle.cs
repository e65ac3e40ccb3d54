namespace ExApps.Deployer.Deploy;

/// <summary>Decides which progress values are worth an event: only integers above the last published one (so
/// that a second image candidate never shows progress going back), and not more often than <c>interval</c> (a
/// fast pull would otherwise flood the broker and the registry).</summary>
public sealed class ProgressThrottle(TimeProvider time, TimeSpan interval)
{
    private long? _lastAt;

    public int? LastPublished { get; private set; }

    /// <returns>true when <paramref name="value"/> should be published now; it is then recorded as published.</returns>
    public bool ShouldPublish(int value)
    {
        if (value <= LastPublished) return false;
        var now = time.GetTimestamp();
        if (_lastAt is { } last && time.GetElapsedTime(last, now) < interval) return false;
        _lastAt = now;
        LastPublished = value;
        return true;
    }

    /// <summary>The final value is published whatever the interval, unless it already was.</summary>
    public bool ShouldFlush(int value)
    {
        if (value <= LastPublished) return false;
        _lastAt = time.GetTimestamp();
        LastPublished = value;
        return true;
    }
}
