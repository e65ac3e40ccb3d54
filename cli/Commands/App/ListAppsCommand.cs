using System.Text.Json;
using ExApps.Cli.Api;
using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.App;

/// <summary><c>app:list [--output=plain|table|json|json_pretty]</c>: by default AppAPI's <c>ExApps:</c> header
/// and one line per app (scripts parse it); a table with daemon, port and status for people; or the API's JSON.</summary>
public sealed class ListAppsCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new("app:list", "List ExApps", [],
        [new OptionDefinition("output", OptionKind.Value, "Output format (plain, table, json or json_pretty, default is plain)")]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var output = input.Option("output") ?? "plain";
        if (output is not ("plain" or "table" or "json" or "json_pretty"))
            throw new CliException($"Invalid --output value \"{output}\": use plain, table, json or json_pretty.");
        if (output is "json" or "json_pretty")
        {
            var raw = await context.Api.ListAppsRawAsync(ct);
            context.Info(JsonSerializer.Serialize(raw, Json.Print(output == "json_pretty")));
            return 0;
        }
        var apps = await context.Api.ListAppsAsync(ct);
        if (output == "table")
        {
            context.Info(AppFormatter.Table(apps));
            return 0;
        }
        context.Info(AppFormatter.ListHeader);
        foreach (var app in apps)
            context.Info(AppFormatter.ListLine(app));
        return 0;
    }
}
