using System.Reflection;
using ExApps.Cli.Api;
using ExApps.Cli.Commands;
using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli;

/// <summary>
/// The CLI's entry point, callable in-process (tests) as well as from <c>Program</c>: finds the command, parses
/// its command line, runs it, and turns every failure into a message and an exit code.
/// </summary>
public static class CliApp
{
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr,
        IReadOnlyDictionary<string, string> env, bool terminal = false, CancellationToken ct = default)
    {
        var catalog = new CommandCatalog();
        var (commandName, rest) = SplitCommandName(args);

        ICliCommand command;
        try
        {
            command = catalog.Find(commandName ?? (args.Contains("--help") || args.Contains("-h") ? "help" : "list"));
        }
        catch (CliException ex)
        {
            stderr.WriteLine(ex.Message);
            return ex.ExitCode;
        }

        ParsedInput input;
        try
        {
            input = ArgParser.Parse(command.Definition, rest);
        }
        catch (UsageException ex)
        {
            stderr.WriteLine(ex.Message);
            if (ex.Command is { } definition)
                stderr.WriteLine($"Usage: {definition.Synopsis()}");
            return 1;
        }

        if (input.Flag("help") && command is not HelpCommand and not ListCommand)
        {
            HelpWriter.WriteCommandHelp(stdout, command.Definition);
            return 0;
        }
        if (input.Flag("version"))
        {
            stdout.WriteLine($"appapi {Version}");
            return 0;
        }

        var inPlace = input.Flag("ansi") || (terminal && !input.Flag("no-ansi"));
        using var context = new CliContext(stdout, stderr, env, inPlace, input.Flag("quiet"));
        try
        {
            return await command.ExecuteAsync(input, context, ct);
        }
        catch (CliException ex)
        {
            context.Error(ex.Message);
            return ex.ExitCode;
        }
        catch (ApiException ex)
        {
            context.Error(ex.Describe());
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            context.Error("Interrupted.");
            return Interrupted;
        }
    }

    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>The command name is the first token that is not an option (Symfony's rule); options may precede it.</summary>
    private static (string? Name, List<string> Remaining) SplitCommandName(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--")
                break;
            if (args[i].Length == 0 || args[i][0] != '-' || args[i] == "-")
                return (args[i], args.Where((_, j) => j != i).ToList());
        }
        return (null, args.ToList());
    }
}
