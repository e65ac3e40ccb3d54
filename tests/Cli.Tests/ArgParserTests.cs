using ExApps.Cli.Parsing;

namespace ExApps.Cli.Tests;

public sealed class ArgParserTests
{
    private static readonly CommandDefinition Command = new(
        "test:cmd",
        "A command for parser tests",
        [new("first", true), new("second", false)],
        [
            new("value", OptionKind.Value),
            new("many", OptionKind.RepeatableValue),
            new("flag", OptionKind.Flag),
        ]);

    private static ParsedInput Parse(params string[] tokens) => ArgParser.Parse(Command, tokens);

    [Fact]
    public void Positional_arguments_bind_in_order_and_optional_ones_may_be_left_out()
    {
        var both = Parse("a", "b");
        var one = Parse("a");

        Assert.Equal("a", both.Argument("first"));
        Assert.Equal("b", both.Argument("second"));
        Assert.Null(one.Argument("second"));
    }

    [Fact]
    public void Option_value_may_follow_as_next_token_or_after_equals_sign()
    {
        Assert.Equal("x", Parse("a", "--value", "x").Option("value"));
        Assert.Equal("x=y", Parse("a", "--value=x=y").Option("value"));
        Assert.Equal("", Parse("a", "--value=").Option("value"));
    }

    [Fact]
    public void Options_may_come_before_between_and_after_arguments()
    {
        var input = Parse("--flag", "a", "--value", "v", "b");

        Assert.True(input.Flag("flag"));
        Assert.Equal("a", input.Argument("first"));
        Assert.Equal("b", input.Argument("second"));
        Assert.Equal("v", input.Option("value"));
    }

    [Fact]
    public void Repeatable_option_keeps_every_value_in_order()
    {
        var input = Parse("a", "--many", "1", "--many=2", "--many", "3");

        Assert.Equal(["1", "2", "3"], input.Values("many"));
    }

    [Fact]
    public void Single_value_option_given_twice_keeps_the_last_value()
    {
        Assert.Equal("second", Parse("a", "--value", "first", "--value", "second").Option("value"));
    }

    [Fact]
    public void Absent_options_read_as_null_false_and_empty()
    {
        var input = Parse("a");

        Assert.Null(input.Option("value"));
        Assert.False(input.Flag("flag"));
        Assert.Empty(input.Values("many"));
    }

    [Fact]
    public void Double_dash_ends_options_so_later_tokens_are_arguments()
    {
        var input = Parse("--", "--not-an-option", "-x");

        Assert.Equal("--not-an-option", input.Argument("first"));
        Assert.Equal("-x", input.Argument("second"));
    }

    [Fact]
    public void Single_dash_and_empty_string_are_arguments()
    {
        var input = Parse("-", "");

        Assert.Equal("-", input.Argument("first"));
        Assert.Equal("", input.Argument("second"));
    }

    [Fact]
    public void Clustered_short_flags_are_each_recognised()
    {
        var input = Parse("-qn", "a");

        Assert.True(input.Flag("quiet"));
        Assert.True(input.Flag("no-interaction"));
    }

    [Theory]
    [InlineData(new[] { "a", "--nope" }, "The \"--nope\" option does not exist.")]
    [InlineData(new[] { "a", "--nope=1" }, "The \"--nope\" option does not exist.")]
    [InlineData(new[] { "a", "-x" }, "The \"-x\" option does not exist.")]
    [InlineData(new[] { "a", "--value" }, "The \"--value\" option requires a value.")]
    [InlineData(new[] { "a", "--value", "--flag" }, "The \"--value\" option requires a value.")]
    [InlineData(new[] { "a", "--flag=yes" }, "The \"--flag\" option does not accept a value.")]
    [InlineData(new string[0], "Not enough arguments (missing: \"first\").")]
    [InlineData(new[] { "a", "b", "c" }, "Too many arguments, expected arguments \"first\" \"second\".")]
    public void Bad_command_lines_fail_with_symfony_messages(string[] tokens, string message)
    {
        var ex = Assert.Throws<UsageException>(() => Parse(tokens));

        Assert.Equal(message, ex.Message);
        Assert.Same(Command, ex.Command);
    }

    [Fact]
    public void Command_without_arguments_refuses_one_naming_it()
    {
        var noArgs = new CommandDefinition("x:list", "", [], []);

        var ex = Assert.Throws<UsageException>(() => ArgParser.Parse(noArgs, ["extra"]));

        Assert.Equal("No arguments expected for \"x:list\" command, got \"extra\".", ex.Message);
    }

    [Fact]
    public void Help_flag_skips_the_argument_check()
    {
        Assert.True(Parse("--help").Flag("help"));
    }

    [Fact]
    public void Synopsis_lists_options_then_arguments_with_optional_ones_bracketed()
    {
        Assert.Equal("test:cmd [--value VALUE] [--many MANY]... [--flag] [--] <first> [<second>]", Command.Synopsis());
    }
}
