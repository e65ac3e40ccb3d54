using System.Text.Json;
using System.Text.Json.Nodes;
using ExApps.Cli.Api;
using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.App;

/// <summary><c>app:list [--output=plain|table|json|json_pretty] [--show-updates]</c>: by default AppAPI's
/// <c>ExApps:</c> header and one line per app (scripts parse it); a table with daemon, port and status for people; or
/// the API's JSON. <c>--show-updates</c> adds the newer compatible release the app store offers, where there is one.</summary>
public sealed class ListAppsCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new("app:list", "List ExApps", [],
    [
        new OptionDefinition("output", OptionKind.Value, "Output format (plain, table, json or json_pretty, default is plain)"),
        new OptionDefinition("show-updates", OptionKind.Flag, "Also show the newer release the app store offers (app:update --all installs them)"),
    ]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var output = input.Option("output") ?? "plain";
        if (output is not ("plain" or "table" or "json" or "json_pretty"))
            throw new CliException($"Invalid --output value \"{output}\": use plain, table, json or json_pretty.");
        // Asked first: when the store cannot be read, the command fails rather than print a list without updates.
        var updates = input.Flag("show-updates")
            ? (await context.Api.ListUpdatesAsync(ct)).ToDictionary(u => u.Appid, u => u.NewVersion, StringComparer.Ordinal)
            : null;
        if (output is "json" or "json_pretty")
        {
            var raw = await context.Api.ListAppsRawAsync(ct);
            context.Info(updates is null
                ? JsonSerializer.Serialize(raw, Json.Print(output == "json_pretty"))
                : WithUpdates(raw, updates).ToJsonString(Json.Print(output == "json_pretty")));
            return 0;
        }
        var apps = await context.Api.ListAppsAsync(ct);
        if (output == "table")
        {
            context.Info(AppFormatter.Table(apps, updates));
            return 0;
        }
        context.Info(AppFormatter.ListHeader);
        foreach (var app in apps)
            context.Info(AppFormatter.ListLine(app) + (updates?.GetValueOrDefault(app.Appid) is { } v ? $" (update available: {v})" : ""));
        return 0;
    }

    /// <summary>The API's list with <c>new_version</c> on each app (null when none).</summary>
    private static JsonNode WithUpdates(JsonElement raw, IReadOnlyDictionary<string, string> updates)
    {
        var list = JsonNode.Parse(raw.GetRawText()) as JsonArray ?? [];
        foreach (var app in list.OfType<JsonObject>())
            app["new_version"] = app["appid"]?.GetValue<string>() is { } id && updates.TryGetValue(id, out var v) ? v : null;
        return list;
    }
}
