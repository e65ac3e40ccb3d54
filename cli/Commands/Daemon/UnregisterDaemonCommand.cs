using ExApps.Cli.Api;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.Daemon;

/// <summary><c>daemon:unregister &lt;daemon-config-name&gt;</c>: refused while ExApps still use the daemon.</summary>
public sealed class UnregisterDaemonCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "daemon:unregister",
        "Unregister daemon",
        [new ArgumentDefinition("daemon-config-name", true, "Name of the daemon config")],
        []);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var name = input.RequiredArgument("daemon-config-name");
        try
        {
            var message = await context.Api.UnregisterDaemonAsync(name, ct);
            context.Info(string.IsNullOrEmpty(message) ? "Daemon config unregistered." : message);
            return 0;
        }
        catch (ApiException ex) when (ex.ErrorCode == ErrorCodes.DaemonNotFound)
        {
            throw new CliException($"Daemon config {name} not found.");
        }
    }
}
