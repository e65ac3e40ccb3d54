using ExApps.Cli.Commands;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Output;

/// <summary>Help texts laid out like Symfony's: Description, Usage, Arguments, Options.</summary>
public static class HelpWriter
{
    public static void WriteCommandHelp(TextWriter output, CommandDefinition command)
    {
        output.WriteLine("Description:");
        output.WriteLine($"  {command.Description}");
        output.WriteLine();
        output.WriteLine("Usage:");
        output.WriteLine($"  {command.Synopsis()}");
        foreach (var example in command.Examples ?? [])
            output.WriteLine($"  {command.Name} {example}");

        if (command.Arguments.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Arguments:");
            WriteRows(output, command.Arguments.Select(a => (a.Name, a.Description)));
        }

        output.WriteLine();
        output.WriteLine("Options:");
        WriteRows(output, command.Options.Concat(CommandDefinition.GlobalOptions).Select(o => (OptionLabel(o), OptionText(o))));
    }

    public static void WriteCommandList(TextWriter output, IReadOnlyList<ICliCommand> commands, string? ns)
    {
        output.WriteLine($"appapi {CliApp.Version} - admin CLI of the ExApps platform (AppAPI's occ app_api:* commands)");
        output.WriteLine();
        output.WriteLine("Usage:");
        output.WriteLine("  appapi <command> [options] [arguments]");
        output.WriteLine();
        output.WriteLine("Options:");
        WriteRows(output, CommandDefinition.GlobalOptions.Select(o => (OptionLabel(o), o.Description)));
        output.WriteLine();
        output.WriteLine("Environment:");
        WriteRows(output,
        [
            ("APPAPI_URL", $"Gateway URL (default {CliSettings.DefaultUrl})"),
            ("APPAPI_TOKEN", "Admin token, sent as a Bearer token (default dev-admin-token)"),
        ]);
        output.WriteLine();
        output.WriteLine(ns is null ? "Available commands:" : $"Available commands for the \"{ns}\" namespace:");

        var rows = new List<(string, string)>();
        foreach (var group in commands.Where(c => ns is null || Namespace(c) == ns).GroupBy(Namespace).OrderBy(g => g.Key))
        {
            if (group.Key.Length > 0)
                rows.Add(($"\b{group.Key}", ""));
            rows.AddRange(group.OrderBy(c => c.Definition.Name).Select(c => (c.Definition.Name, c.Definition.Description)));
        }
        WriteRows(output, rows);
    }

    public static string Namespace(ICliCommand command)
    {
        var colon = command.Definition.Name.LastIndexOf(':');
        return colon < 0 ? "" : command.Definition.Name[..colon];
    }

    private static string OptionLabel(OptionDefinition option)
    {
        var shortcut = option.Shortcut is { } s ? $"-{s}, " : "    ";
        var value = option.TakesValue ? $"={option.ValueLabel}" : "";
        return $"{shortcut}--{option.Name}{value}";
    }

    private static string OptionText(OptionDefinition option) =>
        option.Kind == OptionKind.RepeatableValue ? option.Description + " (multiple values allowed)" : option.Description;

    // A leading \b marks a namespace heading, printed one column to the left like Symfony does.
    private static void WriteRows(TextWriter output, IEnumerable<(string Label, string Text)> rows)
    {
        var list = rows.ToList();
        var width = list.Where(r => !r.Label.StartsWith('\b')).Select(r => r.Label.Length).DefaultIfEmpty(0).Max();
        foreach (var (label, text) in list)
        {
            if (label.StartsWith('\b'))
                output.WriteLine($" {label[1..]}");
            else
                output.WriteLine($"  {label.PadRight(width)}  {text}".TrimEnd());
        }
    }
}
