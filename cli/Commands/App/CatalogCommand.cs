using ExApps.Cli.Api;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.App;

/// <summary><c>app:catalog [&lt;search&gt;]</c> (not an occ command: the apps page of Nextcloud's admin UI): the app
/// store's ExApps, with the release the platform would install and what is installed.</summary>
public sealed class CatalogCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new("app:catalog", "List or search the ExApps of the app store",
        [new ArgumentDefinition("search", false, "Only apps whose id, name, summary or category matches")],
        [new OptionDefinition("output", OptionKind.Value, "Output format (plain, json or json_pretty, default is plain)")],
        ["", "translate", "--output=json"]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var output = input.Option("output") ?? "plain";
        if (output is not ("plain" or "json" or "json_pretty"))
            throw new CliException($"Invalid --output value \"{output}\": use plain, json or json_pretty.");
        var apps = await context.Api.SearchCatalogAsync(input.Argument("search"), ct);
        if (output != "plain")
        {
            context.Info(System.Text.Json.JsonSerializer.Serialize(apps, new System.Text.Json.JsonSerializerOptions(Json.Api)
            {
                WriteIndented = output == "json_pretty",
                DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
            }));
            return 0;
        }
        context.Info("App store:");
        foreach (var app in apps)
            context.Info($"{app.Appid} ({app.Name}): {Line(app)}");
        return 0;
    }

    /// <summary><c>1.0.1 [installed 1.0.0, update available]</c>, <c>1.0.0 [not installed]</c>, or why it cannot be installed.</summary>
    public static string Line(CatalogEntryView app) => (app.Version, app.InstalledVersion) switch
    {
        (null, null) => "no release compatible with this platform",
        (null, { } here) => $"no compatible release [installed {here}]",
        ({ } v, null) => $"{v} [not installed]",
        ({ } v, { } here) => app.UpdateAvailable ? $"{v} [installed {here}, update available]" : $"{v} [installed {here}]",
    };
}
