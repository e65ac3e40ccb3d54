using System.Text.Json;
using ExApps.Cli.Api;
using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.Daemon;

/// <summary><c>daemon:list [--output=plain|json|json_pretty]</c>.</summary>
public sealed class ListDaemonsCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "daemon:list",
        "List registered daemons",
        [],
        [new OptionDefinition("output", OptionKind.Value, "Output format (plain, json or json_pretty, default is plain)")]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var output = input.Option("output") ?? "plain";
        if (output is not ("plain" or "json" or "json_pretty"))
            throw new CliException($"Invalid --output value \"{output}\": use plain, json or json_pretty.");

        var raw = await context.Api.ListDaemonsRawAsync(ct);
        if (output != "plain")
        {
            context.Info(DaemonFormatter.Json(raw, output == "json_pretty"));
            return 0;
        }

        List<DaemonView> daemons;
        try
        {
            daemons = raw.Deserialize<List<DaemonView>>(Json.Api) ?? [];
        }
        catch (JsonException ex)
        {
            throw new ApiException(ApiFailure.Unexpected, $"The platform answered a daemon list this CLI does not understand: {ex.Message}");
        }

        if (daemons.Count == 0)
        {
            context.Info("No registered daemon configs.");
            return 0;
        }
        context.Info("Registered ExApp daemon configs:");
        context.Info(DaemonFormatter.Table(daemons).TrimEnd());
        return 0;
    }
}
