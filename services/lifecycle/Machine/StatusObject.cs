using ExApps.Contracts;

namespace ExApps.Lifecycle.Machine;

/// <summary>AppAPI's status object of an app and its rules (docs/protocol.md, "Status object"), kept by the
/// lifecycle alone: it is the only service that judges deploy and init progress.</summary>
public sealed class StatusObject
{
    public int Deploy { get; set; }
    public int Init { get; set; }
    public string Action { get; set; } = "";
    public string Type { get; set; } = "";
    public string Error { get; set; } = "";
    public long DeployStartTime { get; set; }
    public long InitStartTime { get; set; }
    public int HeartbeatCount { get; set; }

    /// <summary>A fresh install or update: nothing done yet.</summary>
    public static StatusObject Begin(string type) => new() { Type = type };

    /// <summary>Deploy progress p: 0 starts the deploy (action deploy, start time, error cleared), 100 ends it
    /// (action healthcheck). Once deploy is 100 a late non-zero report changes nothing.</summary>
    public bool ApplyDeploy(int p, long now)
    {
        if (Deploy == 100 && p != 0) return false;
        if (p == Deploy && p != 0) return false;
        Deploy = Math.Clamp(p, 0, 100);
        if (p == 0)
        {
            Action = "deploy";
            DeployStartTime = now;
            Error = "";
        }
        else if (p == 100)
        {
            Action = "healthcheck";
        }
        return true;
    }

    /// <summary>Init progress p: 0 starts init (action init, start time, error cleared), 100 ends it (action and
    /// type cleared). Once init is 100 a late non-zero report changes nothing.</summary>
    public bool ApplyInit(int p, long now)
    {
        if (Init == 100 && p != 0) return false;
        if (p == Init && p != 0) return false;
        Init = Math.Clamp(p, 0, 100);
        if (p == 0)
        {
            Action = "init";
            InitStartTime = now;
            Error = "";
        }
        else if (p == 100)
        {
            Action = "";
            Type = "";
        }
        return true;
    }

    public AppStatusSnapshot ToSnapshot() => new()
    {
        Deploy = Deploy, Init = Init, Action = Action, Type = Type, Error = Error,
        DeployStartTime = DeployStartTime, InitStartTime = InitStartTime, HeartbeatCount = HeartbeatCount,
    };
}
