using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands;

/// <summary><c>list [--raw] [&lt;namespace&gt;]</c>: the available commands, as Symfony's list command shows them.</summary>
public sealed class ListCommand(CommandCatalog catalog) : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "list",
        "List commands",
        [new ArgumentDefinition("namespace", false, "Only the commands of this namespace (app, daemon)")],
        [new OptionDefinition("raw", OptionKind.Flag, "One command per line: name and description")]);

    public Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var ns = input.Argument("namespace");
        if (ns is not null && catalog.Commands.All(c => HelpWriter.Namespace(c) != ns))
            throw new CliException($"There are no commands defined in the \"{ns}\" namespace.");

        if (input.Flag("raw"))
        {
            var commands = catalog.Commands.Where(c => ns is null || HelpWriter.Namespace(c) == ns).ToList();
            var width = commands.Max(c => c.Definition.Name.Length);
            foreach (var command in commands.OrderBy(c => c.Definition.Name))
                context.Out.WriteLine($"{command.Definition.Name.PadRight(width)}   {command.Definition.Description}");
        }
        else
        {
            HelpWriter.WriteCommandList(context.Out, catalog.Commands, ns);
        }
        return Task.FromResult(0);
    }
}
