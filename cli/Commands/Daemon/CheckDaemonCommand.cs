using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.Daemon;

/// <summary><c>daemon:check &lt;name&gt;</c>: can the platform reach the daemon's Docker engine (GET /_ping)?
/// AppAPI offers this as a button in its admin page; exit 0 reachable, 1 not.</summary>
public sealed class CheckDaemonCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "daemon:check",
        "Check the connection to a daemon's Docker engine",
        [new ArgumentDefinition("name", true, "Deploy daemon name")],
        []);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var name = input.RequiredArgument("name");
        var result = await DaemonErrors.Map(name, () => context.Api.CheckDaemonAsync(name, ct));
        if (!result.Reachable)
        {
            context.Error($"Daemon {name} is not reachable: {result.Message}");
            return 1;
        }
        var version = result.ApiVersion is { Length: > 0 } v ? $" (Docker Engine API {v})" : "";
        context.Info($"Daemon {name} is reachable{version}.{(result.Message.Length > 0 && result.ApiVersion is null ? " " + result.Message : "")}");
        return 0;
    }
}
