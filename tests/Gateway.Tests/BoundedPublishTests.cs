using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Gateway.Tests;

/// <summary>The bound every publish of a consumer runs under (services/ServiceDefaults/Outbox/BoundedPublish.cs).</summary>
public sealed class BoundedPublishTests
{
    [Fact]
    public async Task A_publish_that_ignores_its_token_and_never_completes_fails_after_the_bound()
    {
        var never = new TaskCompletionSource();
        var started = DateTime.UtcNow;

        await Assert.ThrowsAsync<TimeoutException>(() =>
            BoundedPublish.RunAsync(_ => never.Task, CancellationToken.None, TimeSpan.FromMilliseconds(200)));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "the bound did not end the wait");
    }

    [Fact]
    public async Task A_publish_that_completes_in_time_passes_and_its_token_is_the_bounded_one()
    {
        CancellationToken seen = default;

        await BoundedPublish.RunAsync(token => { seen = token; return Task.CompletedTask; }, CancellationToken.None,
            TimeSpan.FromSeconds(30));

        Assert.True(seen.CanBeCanceled, "the publish got no token that the bound can cancel");
    }

    [Fact]
    public async Task A_publish_that_fails_fails_with_its_own_error()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BoundedPublish.RunAsync(_ => Task.FromException(new InvalidOperationException("channel closed")), CancellationToken.None));
        Assert.Equal("channel closed", e.Message);
    }
}
