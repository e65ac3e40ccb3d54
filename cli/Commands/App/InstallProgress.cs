using ExApps.Cli.Api;

namespace ExApps.Cli.Commands.App;

public enum InstallPhase { Running, Finished, Failed }

/// <summary>Reads an app's status object (docs/protocol.md §2.1) the way <c>--wait-finish</c> needs it.</summary>
public static class InstallProgress
{
    /// <summary>With the operation's id, the platform says how it ended (<c>last_operation</c>). Without it (or
    /// when another operation replaced it): failed when <c>error != ""</c> (checked first, as AppAPI does);
    /// finished when enabled, init 100, no action and no operation running any more. The app is enabled from the
    /// start of init, so without the last condition an enable the ExApp then refuses would look finished.</summary>
    public static InstallPhase Phase(AppView app, Guid? operationId)
    {
        if (operationId is { } id)
        {
            if (app.LastOperation is { } last && last.Id == id)
                return last.Outcome == "enabled" ? InstallPhase.Finished : InstallPhase.Failed;
            if (app.CurrentOperation?.Id == id) return InstallPhase.Running;
        }
        return Phase(app);
    }

    public static InstallPhase Phase(AppView app) =>
        app.Status.Error.Length > 0 ? InstallPhase.Failed
        : app.Enabled && app.Status.Init == 100 && app.Status.Action.Length == 0 && app.Operation is null ? InstallPhase.Finished
        : InstallPhase.Running;

    /// <summary>AppAPI's message for the step that failed: deploy, heartbeat, init or enable.</summary>
    public static string FailureMessage(AppView app)
    {
        var s = app.Status;
        if (s.Error.Length == 0 && app.LastOperation is { Outcome: "refused" or "failed", Error.Length: > 0 } last)
            return $"ExApp {app.Appid} {last.Kind} failed. Error: {last.Error}";
        if (s.Deploy < 100 || s.Action == "deploy")
            return $"ExApp {app.Appid} deployment failed. Error: {s.Error}";
        if (s.Action == "healthcheck" || (s.Action != "init" && s.Init == 0 && s.InitStartTime == 0))
            return $"ExApp {app.Appid} heartbeat check failed. Error: {s.Error}";
        if (s.Init == 100 && s.Action.Length == 0)
            return $"Failed to enable ExApp {app.Appid}. Error: {s.Error}";
        return $"ExApp {app.Appid} initialization step failed. Error: {s.Error}";
    }

    /// <summary>The <c>operation_id</c> of an accepted request's answer, if the platform gave one.</summary>
    public static Guid? OperationIdOf(System.Text.Json.JsonElement answer) =>
        answer.ValueKind == System.Text.Json.JsonValueKind.Object && answer.TryGetProperty("operation_id", out var id)
        && id.ValueKind == System.Text.Json.JsonValueKind.String && Guid.TryParse(id.GetString(), out var guid) ? guid : null;
}
