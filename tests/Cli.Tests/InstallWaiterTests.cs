using ExApps.Cli.Api;
using ExApps.Cli.Commands.App;
using ExApps.Cli.Output;

namespace ExApps.Cli.Tests;

public sealed class InstallWaiterTests
{
    // Replays a recorded sequence of status answers (or failures) as successive polls; the last one repeats.
    private static Func<CancellationToken, Task<AppView>> Replay(params Func<AppView>[] answers)
    {
        var i = 0;
        return _ => Task.FromResult(answers[Math.Min(i++, answers.Length - 1)]());
    }

    private static async Task<(InstallResult Result, string Output)> WaitAsync(Func<CancellationToken, Task<AppView>> fetch)
    {
        var output = new StringWriter();
        var waiter = new InstallWaiter(fetch, new ProgressReporter(output, inPlace: false), TimeSpan.Zero, unreachableAttempts: 3);
        var result = await waiter.WaitAsync("hello", CancellationToken.None);
        return (result, output.ToString());
    }

    [Fact]
    public async Task Wait_succeeds_once_enabled_with_init_100_and_no_action_showing_each_change()
    {
        var (result, output) = await WaitAsync(Replay(
            () => TestData.App(0, 0, "deploy"),
            () => TestData.App(50, 0, "deploy"),
            () => TestData.App(50, 0, "deploy"),
            () => TestData.App(100, 0, "healthcheck"),
            () => TestData.App(100, 60, "init", initStart: 5),
            () => TestData.App(100, 100, "", initStart: 5),
            () => TestData.App(100, 100, "", enabled: true, initStart: 5)));

        Assert.True(result.Succeeded);
        Assert.Equal(
            [
                "hello: deploy   0% | init   0% | deploy",
                "hello: deploy  50% | init   0% | deploy",
                "hello: deploy 100% | init   0% | healthcheck",
                "hello: deploy 100% | init  60% | init",
                "hello: deploy 100% | init 100% | enabling",
                "hello: deploy 100% | init 100% | enabled",
            ],
            output.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task Wait_fails_with_the_heartbeat_message_when_error_is_set_after_deploy()
    {
        var (result, _) = await WaitAsync(Replay(
            () => TestData.App(100, 0, "healthcheck"),
            () => TestData.App(100, 0, "healthcheck", error: "Heartbeat check failed")));

        Assert.False(result.Succeeded);
        Assert.Equal("ExApp hello heartbeat check failed. Error: Heartbeat check failed", result.Error);
    }

    [Theory]
    [InlineData(30, 0, "deploy", 0, "ExApp hello deployment failed. Error: boom")]
    [InlineData(100, 20, "init", 5, "ExApp hello initialization step failed. Error: boom")]
    [InlineData(100, 0, "init", 5, "ExApp hello initialization step failed. Error: boom")]
    [InlineData(100, 100, "", 5, "Failed to enable ExApp hello. Error: boom")]
    public void Failure_message_names_the_step_that_failed(int deploy, int init, string action, long initStart, string expected)
    {
        var app = TestData.App(deploy, init, action, error: "boom", initStart: initStart);

        Assert.Equal(InstallPhase.Failed, InstallProgress.Phase(app));
        Assert.Equal(expected, InstallProgress.FailureMessage(app));
    }

    [Fact]
    public void Enabled_at_init_100_is_still_running_while_the_operation_has_not_ended()
    {
        Assert.Equal(InstallPhase.Running, InstallProgress.Phase(TestData.App(100, 100, "", enabled: true, operation: "install")));
        Assert.Equal(InstallPhase.Finished, InstallProgress.Phase(TestData.App(100, 100, "", enabled: true)));
    }

    [Fact]
    public void Init_100_without_enabled_is_still_running()
    {
        Assert.Equal(InstallPhase.Running, InstallProgress.Phase(TestData.App(100, 100, "")));
    }

    [Fact]
    public async Task Wait_rides_out_a_short_outage_of_the_platform()
    {
        var calls = 0;
        var (result, _) = await WaitAsync(_ => ++calls <= 2
            ? throw ApiException.Unreachable(new Uri("http://127.0.0.1:1"), "Connection refused")
            : Task.FromResult(TestData.App(100, 100, "", enabled: true)));

        Assert.True(result.Succeeded);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Wait_gives_up_when_the_platform_stays_unreachable()
    {
        var ex = await Assert.ThrowsAsync<ApiException>(() => WaitAsync(
            _ => throw ApiException.Unreachable(new Uri("http://127.0.0.1:1"), "Connection refused")));

        Assert.Equal(ApiFailure.Unreachable, ex.Failure);
    }

    private static ApiException NotFound() =>
        ApiException.FromResponse(404, "Not Found", """{"detail":"gone","error_code":"app_not_found"}""");

    [Fact]
    public async Task Wait_tolerates_the_app_not_being_readable_right_after_registration()
    {
        var calls = 0;
        var (result, _) = await WaitAsync(_ => ++calls == 1
            ? throw NotFound()
            : Task.FromResult(TestData.App(100, 100, "", enabled: true)));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task Wait_fails_when_the_app_disappears_after_it_was_seen()
    {
        var calls = 0;
        var (result, _) = await WaitAsync(_ => ++calls == 1
            ? Task.FromResult(TestData.App(40, 0, "deploy"))
            : throw NotFound());

        Assert.False(result.Succeeded);
        Assert.Contains("no longer registered", result.Error);
    }
}
