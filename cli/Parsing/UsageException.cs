namespace ExApps.Cli.Parsing;

/// <summary>
/// The command line does not fit the command (unknown option, missing argument, ...). Like Symfony, the CLI
/// prints the message and the command's usage line, and exits with 1.
/// </summary>
public sealed class UsageException(string message, CommandDefinition? command = null) : Exception(message)
{
    public CommandDefinition? Command { get; } = command;
}
