using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.App;

/// <summary><c>app:list</c>: AppAPI's <c>ExApps:</c> header and one line per app.</summary>
public sealed class ListAppsCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new("app:list", "List ExApps", [], []);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var apps = await context.Api.ListAppsAsync(ct);
        context.Info(AppFormatter.ListHeader);
        foreach (var app in apps)
            context.Info(AppFormatter.ListLine(app));
        return 0;
    }
}
