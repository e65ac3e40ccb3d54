namespace ExApps.Registry.Status;

/// <summary>The rules of spec §2.1 that turn lifecycle events into the status object, as pure functions.
/// Each returns false when the event changes nothing.</summary>
public static class StatusProjection
{
    public static bool ApplyDeployProgress(AppStatus s, int progress, long now)
    {
        if (s.Deploy == 100 && progress != 0) return false; // late pull progress after the container started
        s.Deploy = Math.Clamp(progress, 0, 100);
        if (progress == 0)
        {
            s.Action = "deploy";
            s.DeployStartTime = now;
            s.Error = "";
        }
        else if (progress == 100)
        {
            s.Action = "healthcheck";
        }
        return true;
    }

    public static bool ApplyInitProgress(AppStatus s, int progress, string error, long now)
    {
        if (!string.IsNullOrEmpty(error))
        {
            s.Error = Validation.StatusText.Bound(error);
            return true;
        }
        if (s.Init == 100 && progress != 0) return false;
        s.Init = Math.Clamp(progress, 0, 100);
        if (progress == 0)
        {
            s.Action = "init";
            s.InitStartTime = now;
            s.Error = "";
        }
        else if (progress == 100)
        {
            s.Action = "";
            s.Type = "";
        }
        return true;
    }

    public static bool ApplyHeartbeat(AppStatus s, int failedTries)
    {
        s.HeartbeatCount = failedTries;
        return true;
    }

    public static bool ApplyError(AppStatus s, string reason)
    {
        s.Error = string.IsNullOrWhiteSpace(reason) ? "Unknown error" : Validation.StatusText.Bound(reason);
        return true;
    }
}
