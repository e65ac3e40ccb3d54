using ExApps.Deployer.Deploy;

namespace ExApps.Deployer.Tests;

public sealed class ProgressThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    [Fact]
    public void Publishes_a_new_value_only_after_the_interval()
    {
        var clock = new ManualClock();
        var throttle = new ProgressThrottle(clock, Interval);

        Assert.True(throttle.ShouldPublish(3));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(throttle.ShouldPublish(7));
        clock.Advance(TimeSpan.FromMilliseconds(150));
        Assert.True(throttle.ShouldPublish(8));
        Assert.Equal(8, throttle.LastPublished);
    }

    [Fact]
    public void Never_publishes_the_same_or_a_lower_value()
    {
        var clock = new ManualClock();
        var throttle = new ProgressThrottle(clock, Interval);
        throttle.ShouldPublish(40);

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False(throttle.ShouldPublish(40));
        Assert.False(throttle.ShouldPublish(12));
        Assert.False(throttle.ShouldFlush(40));
    }

    [Fact]
    public void The_final_value_is_flushed_inside_the_interval()
    {
        var clock = new ManualClock();
        var throttle = new ProgressThrottle(clock, Interval);
        throttle.ShouldPublish(50);

        Assert.False(throttle.ShouldPublish(94));
        Assert.True(throttle.ShouldFlush(94));
        Assert.Equal(94, throttle.LastPublished);
    }

    /// <summary>A clock that moves only when told (the throttle reads timestamps only).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
