using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands;

/// <summary>One occ-style command: its definition (for parsing and help) and what it does.</summary>
public interface ICliCommand
{
    CommandDefinition Definition { get; }

    /// <returns>The process exit code.</returns>
    Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct);
}
