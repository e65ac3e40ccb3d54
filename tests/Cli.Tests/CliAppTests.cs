namespace ExApps.Cli.Tests;

public sealed class CliAppTests
{
    [Theory]
    [InlineData]
    [InlineData("list")]
    [InlineData("--help")]
    [InlineData("help")]
    public async Task Command_list_shows_every_command(params string[] args)
    {
        var run = await CliRunner.RunAsync(args);

        Assert.Equal(0, run.ExitCode);
        foreach (var name in new[] { "daemon:register", "daemon:list", "daemon:unregister", "daemon:check",
                     "daemon:registry:add", "daemon:registry:remove", "daemon:registry:list", "app:register", "app:list",
                     "app:unregister", "app:update", "app:enable", "app:disable", "app:logs" })
            Assert.Contains(name, run.Out);
    }

    [Fact]
    public async Task List_raw_prints_one_command_per_line()
    {
        var run = await CliRunner.RunAsync("list", "--raw", "daemon");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["daemon:check", "daemon:list", "daemon:register", "daemon:unregister"],
            run.Out.Trim().Split(Environment.NewLine).Select(l => l.Split(' ')[0]));
        Assert.All(run.Out.Trim().Split(Environment.NewLine), line => Assert.StartsWith("daemon:", line));
    }

    [Theory]
    [InlineData("help", "app:register")]
    [InlineData("app:register", "--help")]
    [InlineData("app:register", "-h")]
    public async Task Command_help_shows_usage_arguments_and_options(string first, string second)
    {
        var run = await CliRunner.RunAsync(first, second);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Install external App", run.Out);
        Assert.Contains("app:register [--info-xml INFO_XML]", run.Out);
        Assert.Contains("daemon-config-name", run.Out);
        Assert.Contains("--mount=SRC:DST[:ro|rw]", run.Out);
    }

    [Theory]
    [InlineData("app_api:daemon:list")]
    [InlineData("daemon:li")]
    [InlineData("d:l")]
    public async Task Occ_full_names_and_abbreviations_find_the_command(string name)
    {
        var run = await CliRunner.RunAsync(name, "--output=bad");

        // Reaching daemon:list's own option check proves which command ran.
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Invalid --output value \"bad\"", run.Err);
    }

    [Fact]
    public async Task Unknown_command_exits_1_with_suggestions()
    {
        var run = await CliRunner.RunAsync("daemon:regist3r");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Command \"daemon:regist3r\" is not defined.", run.Err);
        Assert.Contains("daemon:register", run.Err);
    }

    [Fact]
    public async Task Unknown_option_names_it_and_prints_the_usage_line()
    {
        var run = await CliRunner.RunAsync("app:unregister", "hello", "--purge");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            ["The \"--purge\" option does not exist.", "Usage: app:unregister [--silent] [--force] [--rm-data] [--keep-data] [--] <appid>"],
            run.Err.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task Global_options_may_precede_the_command_name()
    {
        var run = await CliRunner.RunAsync("--no-interaction", "app:register");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Not enough arguments (missing: \"appid\").", run.Err);
    }

    [Fact]
    public async Task Version_option_prints_the_version()
    {
        var run = await CliRunner.RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("appapi ", run.Out);
    }
}
