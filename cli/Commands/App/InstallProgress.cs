using ExApps.Cli.Api;

namespace ExApps.Cli.Commands.App;

public enum InstallPhase { Running, Finished, Failed }

/// <summary>Reads an app's status object (spec §2.1) the way <c>--wait-finish</c> needs it.</summary>
public static class InstallProgress
{
    /// <summary>Failed when <c>error != ""</c> (checked first, as AppAPI does); finished when enabled, init 100, no
    /// action and no operation running any more. The app is enabled from the start of init, so without the last
    /// condition an enable the ExApp then refuses would look finished for a moment.</summary>
    public static InstallPhase Phase(AppView app) =>
        app.Status.Error.Length > 0 ? InstallPhase.Failed
        : app.Enabled && app.Status.Init == 100 && app.Status.Action.Length == 0 && app.Operation is null ? InstallPhase.Finished
        : InstallPhase.Running;

    /// <summary>AppAPI's message for the step that failed: deploy, heartbeat, init or enable.</summary>
    public static string FailureMessage(AppView app)
    {
        var s = app.Status;
        if (s.Deploy < 100 || s.Action == "deploy")
            return $"ExApp {app.Appid} deployment failed. Error: {s.Error}";
        if (s.Action == "healthcheck" || (s.Action != "init" && s.Init == 0 && s.InitStartTime == 0))
            return $"ExApp {app.Appid} heartbeat check failed. Error: {s.Error}";
        if (s.Init == 100 && s.Action.Length == 0)
            return $"Failed to enable ExApp {app.Appid}. Error: {s.Error}";
        return $"ExApp {app.Appid} initialization step failed. Error: {s.Error}";
    }
}
