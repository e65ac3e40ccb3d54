using System.Text.Json;
using ExApps.Cli.Api;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.App;

/// <summary><c>app:enable &lt;appid&gt;</c>: waits until the platform enabled the app (start, health, heartbeat,
/// PUT /enabled) or says why it could not.</summary>
public sealed class EnableAppCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "app:enable", "Enable registered external app", [new ArgumentDefinition("appid", true, "The ExApp id")], []);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var appId = input.RequiredArgument("appid");
        JsonElement answer;
        try
        {
            answer = await context.Api.EnableAppAsync(appId, ct);
        }
        catch (ApiException ex) when (ex.ErrorCode == ErrorCodes.AppNotFound)
        {
            throw new CliException($"ExApp {appId} not found. Failed to enable.");
        }
        if (!answer.TryGetProperty("operation_id", out _))
        {
            context.Info(AdminClient.Message(answer) ?? $"ExApp {appId} already enabled.");
            return 0;
        }
        // The lifecycle's own timeouts (health, heartbeat, the ExApp's answer) end the operation; no client deadline.
        while (true)
        {
            var app = await context.Api.GetAppAsync(appId, ct);
            if (app.Operation != "enable")
            {
                if (app.Enabled)
                {
                    context.Info($"ExApp {appId} successfully enabled.");
                    return 0;
                }
                context.Error($"Failed to enable ExApp {appId}.{(app.Status.Error.Length > 0 ? " Error: " + app.Status.Error : "")}");
                return 1;
            }
            await Task.Delay(context.PollInterval, ct);
        }
    }
}

/// <summary><c>app:disable &lt;appid&gt;</c>: the platform answers once the ExApp was told and its container stopped.</summary>
public sealed class DisableAppCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "app:disable", "Disable registered external app", [new ArgumentDefinition("appid", true, "The ExApp id")], []);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var appId = input.RequiredArgument("appid");
        try
        {
            context.Info(await context.Api.DisableAppAsync(appId, ct) ?? $"ExApp {appId} successfully disabled.");
            return 0;
        }
        catch (ApiException ex) when (ex.ErrorCode == ErrorCodes.AppNotFound)
        {
            throw new CliException($"ExApp {appId} not found. Failed to disable.");
        }
    }
}

/// <summary><c>app:logs &lt;appid&gt; [--tail N]</c>: the container's recent stdout and stderr.</summary>
public sealed class AppLogsCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "app:logs", "Show the recent output of an ExApp's container",
        [new ArgumentDefinition("appid", true, "The ExApp id")],
        [new OptionDefinition("tail", OptionKind.Value, "Number of lines from the end (default 100)", ValueName: "N")]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var appId = input.RequiredArgument("appid");
        var tailText = input.Option("tail") ?? "100";
        if (!int.TryParse(tailText, out var tail) || tail < 1)
            throw new CliException($"Invalid --tail value \"{tailText}\": expected a positive number of lines.");
        try
        {
            context.Out.Write(await context.Api.GetLogsAsync(appId, tail, ct));
            return 0;
        }
        catch (ApiException ex) when (ex.ErrorCode == ErrorCodes.AppNotFound)
        {
            throw new CliException($"ExApp {appId} not found.");
        }
    }
}
