namespace ExApps.Cli;

/// <summary>A command cannot go on: the CLI prints the message (unless silenced) and exits with the code.</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
