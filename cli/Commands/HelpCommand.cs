using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands;

/// <summary><c>help [&lt;command_name&gt;]</c>: one command's help, or the command list.</summary>
public sealed class HelpCommand(CommandCatalog catalog) : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "help",
        "Display help for a command",
        [new ArgumentDefinition("command_name", false, "The command name")],
        []);

    public Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        if (input.Argument("command_name") is { } name)
            HelpWriter.WriteCommandHelp(context.Out, catalog.Find(name).Definition);
        else
            HelpWriter.WriteCommandList(context.Out, catalog.Commands, null);
        return Task.FromResult(0);
    }
}
