using System.Text.Json;
using ExApps.Cli.Api;
using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.App;

/// <summary><c>app:update</c>, AppAPI's command: one app from <c>--info-xml</c>/<c>--json-info</c> or, with neither,
/// the app store's newest compatible release; or <c>--all</c> apps with a newer release (<c>--showonly</c> lists
/// them). Same version -> "already updated" (exit 0); otherwise the platform disables the app and redeploys it
/// keeping port, secret, deploy options and data volume.</summary>
public sealed class UpdateAppCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "app:update",
        "Update ExApp",
        [new ArgumentDefinition("appid", false, "Update the specified app")],
        [
            new("info-xml", OptionKind.Value, "Path to ExApp info.xml file (url or local path); without it and --json-info the app store's newest compatible release"),
            new("json-info", OptionKind.Value, "ExApp info.xml in JSON format (wins over --info-xml)"),
            new("wait-finish", OptionKind.Flag, "Wait until finish, showing deploy and init progress"),
            new("silent", OptionKind.Flag, "Do not print to console"),
            new("all", OptionKind.Flag, "Updates all enabled and updatable apps (newer compatible release in the app store)"),
            new("showonly", OptionKind.Flag, "Additional flag for \"--all\" to only show all updatable apps"),
            new("include-disabled", OptionKind.Flag, "Additional flag for \"--all\" to also update disabled apps"),
            new("force-scopes", OptionKind.Flag, "Force scopes approval [deprecated, ignored]"),
        ],
        ["hello-exapp --wait-finish", "hello-exapp --info-xml /path/to/info.xml --wait-finish", "--all --showonly", "--all --wait-finish"]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var silent = input.Flag("silent");
        int Fail(string message, int code = 1)
        {
            if (!silent) context.Error(message);
            return code;
        }

        var appId = input.Argument("appid") is { Length: > 0 } a ? a : null;
        var all = input.Flag("all");
        if (appId is null && !all) return Fail("Please specify an app to update or \"--all\" to update all updatable apps");
        if (appId is not null && all) return Fail("The \"--all\" flag is mutually exclusive with specifying app");
        if (input.Flag("showonly") && !all) return Fail("--showonly goes with --all: it lists the apps --all would update.");
        if (!all) return await UpdateOneAsync(input, context, appId!, null, ct);
        if (input.Option("info-xml") is not null || input.Option("json-info") is not null)
            return Fail("--info-xml and --json-info update one app; --all takes each app's newest release from the app store.");

        IReadOnlyList<AppUpdateView> updates;
        try
        {
            updates = await context.Api.ListUpdatesAsync(ct);
        }
        catch (ApiException ex)
        {
            return Fail(ex.Describe());
        }
        if (input.Flag("showonly"))
        {
            foreach (var u in updates)
                if (!silent) context.Info($"{u.Appid} new version available: {u.NewVersion}");
            return 0;
        }
        var code = 0;
        foreach (var u in updates)
            code = Math.Max(code, await UpdateOneAsync(input, context, u.Appid, u, ct));
        return code;
    }

    /// <summary>Updates <paramref name="appId"/>; <paramref name="listed"/> is its entry of the updates list under
    /// --all (a disabled app is then skipped unless --include-disabled, and disabled again after its update, as
    /// AppAPI does).</summary>
    private static async Task<int> UpdateOneAsync(ParsedInput input, CliContext context, string appId, AppUpdateView? listed,
        CancellationToken ct)
    {
        var silent = input.Flag("silent");
        int Fail(string message, int code = 1)
        {
            if (!silent) context.Error(message);
            return code;
        }
        void Say(string message)
        {
            if (!silent) context.Info(message);
        }

        var reDisable = listed is { Enabled: false };
        if (reDisable && !input.Flag("include-disabled"))
        {
            Say($"ExApp {appId} is disabled. Update skipped (use --include-disabled to update disabled apps).");
            return 0;
        }

        JsonElement answer;
        try
        {
            var source = AppInfoSource.Apply(new RegisterAppRequest(appId), input.Option("info-xml"), input.Option("json-info"));
            answer = await context.Api.UpdateAppAsync(appId, new UpdateAppRequest(source.InfoXml, source.InfoXmlUrl, source.JsonInfo), ct);
        }
        catch (CliException ex)
        {
            return Fail(ex.Message, ex.ExitCode);
        }
        catch (ApiException ex)
        {
            return Fail(ex.ErrorCode == ErrorCodes.AppNotFound ? $"ExApp {appId} not found. Failed to update." : ex.Describe());
        }
        if (!answer.TryGetProperty("operation_id", out _))
        {
            Say(AdminClient.Message(answer) ?? $"ExApp {appId} is already updated.");
            return 0;
        }
        var to = answer.TryGetProperty("to_version", out var v) ? v.GetString() : null;
        var from = answer.TryGetProperty("from_version", out var f) ? f.GetString() : null;

        // Disabling it again needs the update to have finished.
        if (!input.Flag("wait-finish") && !reDisable)
        {
            Say($"ExApp {appId} update from {from} to {to} started; --wait-finish waits for it.");
            return 0;
        }
        var quiet = silent || !input.Flag("wait-finish");
        var (code, error) = await InstallWaiter.WaitWithProgressAsync(context, appId, InstallProgress.OperationIdOf(answer), quiet, "update", ct);
        if (error is not null) return Fail(error, code);
        Say($"ExApp {appId} successfully updated ({from} -> {to}).");
        if (!reDisable) return 0;
        try
        {
            await context.Api.DisableAppAsync(appId, ct);
            Say($"ExApp {appId} successfully disabled after update.");
            return 0;
        }
        catch (ApiException ex)
        {
            return Fail($"ExApp {appId} was updated but could not be disabled again: {ex.Describe()}");
        }
    }
}
