using System.Text.Json;
using ExApps.Contracts;
using ExApps.Registry.Apps;
using ExApps.Registry.Persistence;

namespace ExApps.Registry.Status;

/// <summary>The admin API's view of an app's state, from its record.</summary>
public static class Views
{
    public static AppStatus Status(AppStatusSnapshot s) => new()
    {
        Deploy = s.Deploy, Init = s.Init, Action = s.Action, Type = s.Type, Error = Validation.StatusText.Bound(s.Error),
        DeployStartTime = s.DeployStartTime, InitStartTime = s.InitStartTime, HeartbeatCount = s.HeartbeatCount,
    };

    public static AppView ToView(this AppRow a)
    {
        var running = a.Operation is null ? null : JsonSerializer.Deserialize<OperationSnapshot>(a.Operation);
        var requested = a.RequestedOperation is null ? null : JsonSerializer.Deserialize<RequestedOperation>(a.RequestedOperation);
        var last = a.LastOperation is null ? null : JsonSerializer.Deserialize<OperationOutcome>(a.LastOperation);
        var health = a.Health is null ? null : JsonSerializer.Deserialize<AppHealth>(a.Health);
        var detail = a.DeployDetail is null ? null : JsonSerializer.Deserialize<Timeline.DeployDetail>(a.DeployDetail, Timeline.DeployDetail.Json);
        // A request the lifecycle has not picked up yet shows as the operation, so that no client sees the app
        // idle between asking and the first snapshot.
        var current = requested is not null && running?.Id != requested.Id
            ? new OperationView(requested.Id, requested.Kind, "requested", requested.At)
            : running is null ? null : new OperationView(running.Id, running.Kind, running.Step, running.StartedAt);
        return new AppView(a.AppId, a.Name, a.Version, a.DaemonName, a.Port, a.Enabled, AppStatus.Parse(a.Status),
            a.CreatedTime, current?.Kind, current,
            last is null ? null : new OutcomeView(last.Id, last.Kind, last.Outcome, last.Error, last.EndedAt),
            health is null ? null : new HealthView(health.State, health.Reason, health.Since, health.Restarts), detail);
    }
}

/// <summary>The operation in flight: <see cref="Step"/> is the lifecycle's step, or <c>requested</c> while the
/// lifecycle has not picked it up yet.</summary>
public sealed record OperationView(Guid Id, string Kind, string Step, DateTimeOffset StartedAt);

/// <summary>How an enabled app is doing: <see cref="State"/> is ok, down, restarting or missing.</summary>
public sealed record HealthView(string State, string Reason, DateTimeOffset Since, int Restarts);

/// <summary>How the latest operation ended: <see cref="Outcome"/> is enabled, disabled, failed, refused or removed.</summary>
public sealed record OutcomeView(Guid Id, string Kind, string Outcome, string Error, DateTimeOffset EndedAt);
