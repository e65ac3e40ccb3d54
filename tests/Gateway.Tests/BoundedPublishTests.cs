using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Gateway.Tests;

/// <summary>The bound on every publish of the outboxes and the report relay (ServiceDefaults/Outbox/BoundedPublish.cs).</summary>
public sealed class BoundedPublishTests
{
    [Fact]
    public async Task A_publish_that_ignores_its_token_and_never_completes_is_given_up()
    {
        var never = new TaskCompletionSource(); // like a publish on a channel the client disposed mid-publish
        await Assert.ThrowsAsync<TimeoutException>(() =>
            BoundedPublish.RunAsync(_ => never.Task, CancellationToken.None, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task A_publish_that_honours_its_token_is_cancelled_at_the_bound()
    {
        var ex = await Record.ExceptionAsync(() =>
            BoundedPublish.RunAsync(token => Task.Delay(Timeout.Infinite, token), CancellationToken.None, TimeSpan.FromMilliseconds(100)));
        Assert.True(ex is OperationCanceledException or TimeoutException, ex?.ToString());
    }

    [Fact]
    public async Task A_publish_that_completes_passes_and_a_failure_is_the_publish_own()
    {
        await BoundedPublish.RunAsync(_ => Task.CompletedTask, CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BoundedPublish.RunAsync(_ => Task.FromException(new InvalidOperationException("refused")), CancellationToken.None));
    }
}
