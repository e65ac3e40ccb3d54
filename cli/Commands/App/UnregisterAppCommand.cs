using ExApps.Cli.Api;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.App;

/// <summary><c>app:unregister</c>: disable, remove the container (and the data volume only with --rm-data), forget the app.</summary>
public sealed class UnregisterAppCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "app:unregister",
        "Unregister external app",
        [new ArgumentDefinition("appid", true, "The ExApp id")],
        [
            new("silent", OptionKind.Flag, "Print nothing; an unknown app is not an error"),
            new("force", OptionKind.Flag, "Continue removal even if errors."),
            new("rm-data", OptionKind.Flag, "Remove ExApp data (persistent storage volume)."),
            new("keep-data", OptionKind.Flag, "Keep ExApp data (volume) [deprecated, data is kept by default]."),
        ],
        ["test_app", "test_app --silent", "test_app --rm-data", "test_app --silent --force --rm-data"]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var appId = input.RequiredArgument("appid");
        var silent = input.Flag("silent");
        try
        {
            var message = await context.Api.UnregisterAppAsync(appId, input.Flag("rm-data"), input.Flag("force"), ct);
            if (!silent)
                context.Info(string.IsNullOrEmpty(message) ? $"ExApp {appId} successfully unregistered." : message);
            return 0;
        }
        catch (ApiException ex)
        {
            // AppAPI: with --silent an unknown app is success; other errors are silenced but still fail.
            if (ex.ErrorCode == ErrorCodes.AppNotFound && silent)
                return 0;
            if (!silent)
                context.Error(ex.ErrorCode == ErrorCodes.AppNotFound ? $"ExApp {appId} not found. Failed to unregister." : ex.Describe());
            return 1;
        }
    }
}
