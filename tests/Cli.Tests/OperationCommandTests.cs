namespace ExApps.Cli.Tests;

/// <summary>Input checks of the issue-3 commands that fail before any request is sent.</summary>
public sealed class OperationCommandTests
{
    [Theory]
    [InlineData(new[] { "app:update" }, "Please specify an app to update or \"--all\" to update all updatable apps")]
    [InlineData(new[] { "app:update", "hello", "--all" }, "The \"--all\" flag is mutually exclusive with specifying app")]
    [InlineData(new[] { "app:update", "hello", "--showonly" }, "--showonly goes with --all")]
    [InlineData(new[] { "app:update", "--all", "--info-xml", "/tmp/info.xml" }, "--info-xml and --json-info update one app")]
    [InlineData(new[] { "app:list", "--output", "xml" }, "Invalid --output value \"xml\"")]
    [InlineData(new[] { "app:catalog", "--output", "table" }, "Invalid --output value \"table\": use plain, json or json_pretty.")]
    [InlineData(new[] { "app:update", "hello", "--json-info", "[1]" }, "Invalid --json-info: expected a JSON object")]
    [InlineData(new[] { "app:logs", "hello", "--tail", "0" }, "Invalid --tail value \"0\"")]
    [InlineData(new[] { "daemon:registry:add", "d", "--registry-from=ghcr.io" }, "Both --registry-from and --registry-to are required.")]
    [InlineData(new[] { "daemon:registry:remove", "d" }, "--registry-from is required.")]
    public async Task Bad_input_exits_1_with_a_message_and_no_request(string[] args, string message)
    {
        var run = await CliRunner.RunAsync(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Err);
        Assert.DoesNotContain("Cannot reach the platform", run.Err);
    }

    [Fact]
    public async Task Update_with_silent_prints_nothing_even_on_bad_input()
    {
        var run = await CliRunner.RunAsync("app:update", "hello", "--silent");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out + run.Err);
    }

    [Theory]
    [InlineData("app:enable")]
    [InlineData("app:disable")]
    [InlineData("daemon:check")]
    public async Task A_missing_argument_is_a_usage_error(string command)
    {
        var run = await CliRunner.RunAsync(command);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Usage: " + command, run.Err);
    }
}
