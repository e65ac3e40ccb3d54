using ExApps.ServiceDefaults.Security;

namespace ExApps.Gateway.Tests;

/// <summary>The brute-force protection shared by the gateway and the registry (ServiceDefaults/Security).</summary>
public sealed class AttemptLimiterTests
{
    private static readonly AttemptLimits Limits = new(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30));

    [Fact]
    public void Delay_doubles_per_failure_then_the_bucket_is_refused_unchecked()
    {
        var limiter = new AttemptLimiter(Limits, TimeProvider.System);
        Assert.Equal(TimeSpan.Zero, limiter.DelayFor("k"));
        Assert.Equal(AttemptVerdict.Failed, limiter.Attempt("k", () => false));
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.DelayFor("k"));
        Assert.Equal(AttemptVerdict.Failed, limiter.Attempt("k", () => false));
        Assert.Equal(TimeSpan.FromMilliseconds(200), limiter.DelayFor("k"));
        Assert.Equal(AttemptVerdict.Failed, limiter.Attempt("k", () => false));
        Assert.Null(limiter.DelayFor("k"));
        var checkedAfterLimit = false;
        Assert.Equal(AttemptVerdict.Refused, limiter.Attempt("k", () => checkedAfterLimit = true));
        Assert.False(checkedAfterLimit);
        Assert.Equal(TimeSpan.Zero, limiter.DelayFor("other")); // per bucket
    }

    [Fact]
    public void A_correct_check_passes_and_does_not_count()
    {
        var limiter = new AttemptLimiter(Limits, TimeProvider.System);
        for (var i = 0; i < 10; i++) Assert.Equal(AttemptVerdict.Passed, limiter.Attempt("k", () => true));
        Assert.Equal(0, limiter.Failures("k"));
    }

    [Fact]
    public async Task Parallel_guesses_never_get_more_checks_than_the_limit()
    {
        var limiter = new AttemptLimiter(Limits with { MaxFailures = 10 }, TimeProvider.System);
        var checks = 0;
        var verdicts = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => limiter.Attempt("k", () =>
        {
            Interlocked.Increment(ref checks);
            Thread.SpinWait(1000); // a check that takes a moment, so attempts overlap
            return false;
        }))));
        Assert.Equal(10, checks);
        Assert.Equal(10, verdicts.Count(v => v == AttemptVerdict.Failed));
        Assert.Equal(190, verdicts.Count(v => v == AttemptVerdict.Refused));
    }

    [Fact]
    public async Task Parallel_reservations_count_before_the_work_finishes()
    {
        var limiter = new AttemptLimiter(Limits with { MaxFailures = 5 }, TimeProvider.System);
        var reservations = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => limiter.TryReserve("k"))));
        Assert.Equal(5, reservations.Count(r => r is not null));
        foreach (var r in reservations.Where(r => r is not null)) r!.Complete(failed: false);
        Assert.NotNull(limiter.TryReserve("k")); // released slots are free again; nothing failed
    }

    [Fact]
    public void Failures_are_forgotten_after_the_window()
    {
        var clock = new ManualClock();
        var limiter = new AttemptLimiter(Limits, clock);
        for (var i = 0; i < 3; i++) limiter.Attempt("k", () => false);
        Assert.Equal(AttemptVerdict.Refused, limiter.Attempt("k", () => true));
        clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(AttemptVerdict.Passed, limiter.Attempt("k", () => true));
        Assert.Equal(0, limiter.Failures("k"));
    }

    [Fact]
    public void Delay_is_capped()
    {
        var o = new AttemptLimits(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(25), TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromSeconds(25), AttemptLimiter.Delay(40, o));
        Assert.Equal(TimeSpan.FromMilliseconds(800), AttemptLimiter.Delay(4, o));
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks = 1;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
