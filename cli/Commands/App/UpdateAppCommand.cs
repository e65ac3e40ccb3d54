using System.Text.Json;
using ExApps.Cli.Api;
using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.App;

/// <summary><c>app:update</c>: same version -> "already updated" (exit 0); otherwise the platform disables the app
/// and redeploys it keeping port, secret, deploy options and data volume.</summary>
public sealed class UpdateAppCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "app:update",
        "Update ExApp",
        [new ArgumentDefinition("appid", false, "The ExApp id")],
        [
            new("info-xml", OptionKind.Value, "Path to ExApp info.xml file (url or local path)"),
            new("json-info", OptionKind.Value, "ExApp info.xml in JSON format (wins over --info-xml)"),
            new("wait-finish", OptionKind.Flag, "Wait until finish, showing deploy and init progress"),
            new("silent", OptionKind.Flag, "Do not print to console"),
            new("all", OptionKind.Flag, "Update all updatable apps [needs the app store catalog, not supported yet]"),
            new("showonly", OptionKind.Flag, "Only list updatable apps [needs the app store catalog, not supported yet]"),
            new("include-disabled", OptionKind.Flag, "Include disabled apps (with --all)"),
            new("force-scopes", OptionKind.Flag, "Force scopes approval [deprecated, ignored]"),
        ],
        ["hello-exapp --info-xml /path/to/info.xml --wait-finish"]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var silent = input.Flag("silent");
        int Fail(string message, int code = 1)
        {
            if (!silent) context.Error(message);
            return code;
        }

        if (input.Flag("all") || input.Flag("showonly"))
            return Fail("--all and --showonly need the app store catalog, which this platform does not support yet; update one app with <appid> --info-xml or --json-info.");
        if (input.Argument("appid") is not { Length: > 0 } appId)
            return Fail("Please specify the ExApp id (or --all).");

        UpdateAppRequest request;
        try
        {
            if (input.Option("info-xml") is null && input.Option("json-info") is null)
                throw new CliException($"Failed to get app info for `{appId}`: updating from the app store catalog is not supported yet; pass --info-xml PATH|URL or --json-info JSON.");
            var source = AppInfoSource.Apply(new RegisterAppRequest(appId), input.Option("info-xml"), input.Option("json-info"));
            request = new UpdateAppRequest(source.InfoXml, source.InfoXmlUrl, source.JsonInfo);
        }
        catch (CliException ex)
        {
            return Fail(ex.Message, ex.ExitCode);
        }

        JsonElement answer;
        try
        {
            answer = await context.Api.UpdateAppAsync(appId, request, ct);
        }
        catch (ApiException ex)
        {
            return Fail(ex.ErrorCode == ErrorCodes.AppNotFound ? $"ExApp {appId} not found. Failed to update." : ex.Describe());
        }
        if (!answer.TryGetProperty("operation_id", out _))
        {
            if (!silent) context.Info(AdminClient.Message(answer) ?? $"ExApp {appId} is already updated.");
            return 0;
        }
        var to = answer.TryGetProperty("to_version", out var v) ? v.GetString() : null;
        var from = answer.TryGetProperty("from_version", out var f) ? f.GetString() : null;

        if (!input.Flag("wait-finish"))
        {
            if (!silent) context.Info($"ExApp {appId} update from {from} to {to} started; --wait-finish waits for it.");
            return 0;
        }
        var (code, error) = await InstallWaiter.WaitWithProgressAsync(context, appId, InstallProgress.OperationIdOf(answer), silent, "update", ct);
        if (error is not null) return Fail(error, code);
        if (!silent) context.Info($"ExApp {appId} successfully updated ({from} -> {to}).");
        return 0;
    }
}
