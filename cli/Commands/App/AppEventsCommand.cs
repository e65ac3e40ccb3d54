using System.Globalization;
using System.Text.Json;
using ExApps.Cli.Api;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.App;

/// <summary><c>app:events &lt;appid&gt;</c> (not an occ command): the app's timeline, what happened and when —
/// requested, deployed, heartbeat after N tries, init progress, enabled, errors, health changes.</summary>
public sealed class AppEventsCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "app:events", "Show what happened to an ExApp and when (its timeline)",
        [new ArgumentDefinition("appid", true, "The ExApp id")],
        [
            new OptionDefinition("limit", OptionKind.Value, "Only the newest N events (default: all kept, up to 300)", ValueName: "N"),
            new OptionDefinition("output", OptionKind.Value, "Output format (plain, json or json_pretty, default is plain)"),
        ],
        ["test-exapp", "test-exapp --limit=20", "test-exapp --output=json"]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var appId = input.RequiredArgument("appid");
        var output = input.Option("output") ?? "plain";
        if (output is not ("plain" or "json" or "json_pretty"))
            throw new CliException($"Invalid --output value \"{output}\": use plain, json or json_pretty.");
        int? limit = null;
        if (input.Option("limit") is { } limitText)
        {
            if (!int.TryParse(limitText, out var n) || n < 1)
                throw new CliException($"Invalid --limit value \"{limitText}\": expected a positive number.");
            limit = Math.Min(n, 300); // the platform keeps at most 300 per app
        }
        JsonElement events;
        try
        {
            events = await context.Api.GetEventsAsync(appId, limit, ct);
        }
        catch (ApiException ex) when (ex.ErrorCode == ErrorCodes.AppNotFound)
        {
            throw new CliException($"ExApp {appId} not found.");
        }
        if (output != "plain")
        {
            context.Info(JsonSerializer.Serialize(events, Json.Print(output == "json_pretty")));
            return 0;
        }
        if (events.ValueKind != JsonValueKind.Array || events.GetArrayLength() == 0)
        {
            context.Info($"No events recorded for ExApp {appId}.");
            return 0;
        }
        foreach (var e in events.EnumerateArray()) context.Info(Line(e));
        return 0;
    }

    /// <summary><c>2025-01-02 10:11:12  heartbeat_ok  Heartbeat answered after 3 failed tries</c>, in local time.</summary>
    public static string Line(JsonElement e)
    {
        var at = e.TryGetProperty("at", out var a) && a.TryGetDateTimeOffset(out var t)
            ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "?";
        var kind = e.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
        var message = e.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
        return $"{at}  {kind,-18} {message}";
    }
}
