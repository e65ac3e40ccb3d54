namespace ExApps.Lifecycle.Machine;

/// <summary>Where an app's operation stands (<c>lifecycle.apps.step</c>). Each step either waits for a message
/// (the deployer's answer, the ExApp's reports, the registry's confirmation) or runs a call when it is due (the
/// <see cref="Engine.StepWorker"/>); a waiting step also has a deadline. See docs/flows.md.</summary>
public static class Step
{
    /// <summary>No operation in flight.</summary>
    public const string Idle = "idle";
    /// <summary>Waits for the deployer: DeployProgress ..., then ContainerStarted or DeployFailed.</summary>
    public const string Deploying = "deploying";
    /// <summary>Waits for the deployer to start the container (enable): ContainerRunning.</summary>
    public const string Starting = "starting";
    /// <summary>Runs <c>GET /heartbeat</c> when due, retrying until the heartbeat deadline.</summary>
    public const string Heartbeat = "heartbeat";
    /// <summary>The app was just marked enabled: waits until the registry shows it (AppChanged), so that the
    /// ExApp's own calls during init are accepted.</summary>
    public const string InitVisible = "init_visible";
    /// <summary>Runs <c>POST /init</c>.</summary>
    public const string CallingInit = "calling_init";
    /// <summary>Waits for the ExApp's progress reports until 100 (or an error, or the init deadline); checks its
    /// container now and then.</summary>
    public const string Initializing = "initializing";
    /// <summary>An enable marked the app enabled: waits until the registry shows it, so that the ExApp's calls
    /// while it handles <c>PUT /enabled</c> are accepted.</summary>
    public const string EnableVisible = "enable_visible";
    /// <summary>Runs <c>PUT /enabled?enabled=1</c>.</summary>
    public const string Enabling = "enabling";
    /// <summary>Runs <c>PUT /enabled?enabled=0</c>.</summary>
    public const string Disabling = "disabling";
    /// <summary>Waits for the deployer to stop the container: ContainerStopped.</summary>
    public const string Stopping = "stopping";
    /// <summary>Waits for the deployer to remove the container: ContainerRemoved.</summary>
    public const string Removing = "removing";

    /// <summary>Steps that make a call to the ExApp when due (the rest wait for a message or their deadline).</summary>
    public static bool CallsExApp(string step) => step is Heartbeat or CallingInit or Enabling or Disabling;
}

/// <summary>What an operation does (<c>lifecycle.apps.op_kind</c>).</summary>
public static class OperationKind
{
    public const string Install = "install";
    public const string Update = "update";
    public const string Enable = "enable";
    public const string Disable = "disable";
    public const string Unregister = "unregister";
    /// <summary>The platform's own: an enabled app whose container died or vanished is brought back (the daemon's
    /// <c>auto_recover</c> policy).</summary>
    public const string Recover = "recover";

    /// <summary>Operations that end with the app's <c>PUT /enabled?enabled=1</c> without an init step.</summary>
    public static bool EnablesWithoutInit(string? kind, string recoverMode) =>
        kind == Enable || (kind == Recover && recoverMode == "restart");
}

/// <summary>How an operation ended.</summary>
public static class Outcome
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
    public const string Failed = "failed";
    public const string Refused = "refused";
    public const string Removed = "removed";
}
