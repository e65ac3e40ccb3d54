using ExApps.Registry.Apps;
using ExApps.Registry.Timeline;

namespace ExApps.Registry.TestDeploy;

/// <summary>One step of a test deploy as the console shows it. <see cref="State"/>: <c>pending</c>, <c>running</c>,
/// <c>done</c> or <c>failed</c>.</summary>
public sealed record TestDeployStep(string Name, string Label, string State, string Detail, DateTimeOffset? At);

/// <summary>The steps of a test deploy, from its app's view as it changes: image pull (bytes), container start,
/// heartbeat (failed tries), init (progress), enabled, removed. Steps only move forward: a step seen running or
/// done stays so, and a step the lifecycle passed too fast to be seen counts as done once a later one runs.</summary>
public static class TestDeploySteps
{
    public const string ImagePull = "image_pull";
    public const string ContainerStart = "container_start";
    public const string Heartbeat = "heartbeat";
    public const string Init = "init";
    public const string Enabled = "enabled";
    public const string Removed = "removed";

    private static readonly (string Name, string Label)[] Order =
    [
        (ImagePull, "Image pull"), (ContainerStart, "Container start"), (Heartbeat, "Heartbeat"), (Init, "Init"),
        (Enabled, "Enabled"), (Removed, "Removed"),
    ];

    public static List<TestDeployStep> Initial() =>
        Order.Select(o => new TestDeployStep(o.Name, o.Label, "pending", "", null)).ToList();

    /// <summary>The steps after <paramref name="app"/> changed (the app of operation <paramref name="operationId"/>).</summary>
    public static List<TestDeployStep> Next(List<TestDeployStep> previous, AppView app, Guid operationId, DateTimeOffset now)
    {
        var steps = previous.Count == Order.Length ? previous.ToList() : Initial();
        var reached = steps.FindLastIndex(s => s.State != "pending");
        var op = app.CurrentOperation?.Id == operationId ? app.CurrentOperation : null;
        var detail = app.DeployDetail?.OperationId == operationId ? app.DeployDetail : null;
        var at = op?.Step switch
        {
            "requested" => 0,
            "deploying" => detail?.Stage is "pulled" or "created" or "starting" or "running" || app.Status.Deploy >= 94 ? 1 : 0,
            "heartbeat" => 2,
            "init_visible" or "calling_init" or "initializing" => 3,
            "enable_visible" or "enabling" => 4,
            _ => -1,
        };
        var ended = app.LastOperation?.Id == operationId ? app.LastOperation : null;
        if (ended?.Outcome == "enabled") at = 5; // every step up to enabled is done
        reached = Math.Max(reached, at);

        for (var i = 0; i < 5; i++)
        {
            var s = steps[i];
            var state = i < reached ? "done" : i == reached ? ended is null ? "running" : "failed" : "pending";
            var text = Detail(s.Name, app, detail, op?.Step, state);
            steps[i] = s with
            {
                State = state,
                Detail = text.Length > 0 ? text : s.Detail,
                At = s.At ?? (state == "pending" ? null : now),
            };
        }
        return steps;
    }

    /// <summary>The step the test deploy was at (the one running, else the first not done).</summary>
    public static string Current(List<TestDeployStep> steps) =>
        steps.FirstOrDefault(s => s.State is "running" or "failed")?.Name ?? steps.FirstOrDefault(s => s.State == "pending")?.Name ?? Removed;

    /// <summary>The test deploy ended: the step it was at fails with <paramref name="error"/> (when it failed).</summary>
    public static List<TestDeployStep> End(List<TestDeployStep> steps, bool passed, string error, DateTimeOffset now)
    {
        var current = Current(steps);
        return steps.Select(s => s.Name == Removed ? s with { State = "running", At = now }
            : passed ? s with { State = "done", At = s.At ?? now }
            : s.Name == current ? s with { State = "failed", Detail = error, At = s.At ?? now }
            : s).ToList();
    }

    public static List<TestDeployStep> AfterRemoval(List<TestDeployStep> steps, string error, DateTimeOffset now) =>
        steps.Select(s => s.Name == Removed
            ? s with { State = error.Length == 0 ? "done" : "failed", Detail = error.Length == 0 ? "app and data removed" : error, At = now }
            : s).ToList();

    private static string Detail(string step, AppView app, DeployDetail? d, string? current, string state) => step switch
    {
        ImagePull when d is { Stage: "pulled" or "created" or "starting" or "running", TotalBytes: 0 or null } =>
            "already on the engine",
        ImagePull when d is { TotalBytes: > 0 } => state == "done"
            ? $"{DeployDetail.Size(d.TotalBytes.Value)} pulled"
            : $"{DeployDetail.Size(d.PulledBytes ?? 0)} of {DeployDetail.Size(d.TotalBytes.Value)} ({app.Status.Deploy} %)",
        ImagePull when state == "running" && current == "requested" => "waiting for the lifecycle",
        ImagePull when state == "running" => $"{app.Status.Deploy} %",
        ContainerStart when state == "running" => d?.Stage switch
        {
            "created" => "container created",
            "starting" => "starting",
            "running" => "running, waiting until it is healthy",
            _ => "creating the container",
        },
        ContainerStart when state == "done" => "container running",
        Heartbeat when state == "running" => app.Status.HeartbeatCount == 0 ? "waiting for an answer"
            : $"{app.Status.HeartbeatCount} failed {(app.Status.HeartbeatCount == 1 ? "try" : "tries")} so far",
        Heartbeat when state == "done" => app.Status.HeartbeatCount == 0 ? "answered at the first try"
            : $"answered after {app.Status.HeartbeatCount} failed {(app.Status.HeartbeatCount == 1 ? "try" : "tries")}",
        Init when state is "running" or "done" && (current is "init_visible" or "calling_init" or "initializing" || app.Status.Init > 0) =>
            $"{app.Status.Init} %",
        Enabled when state == "done" => "the ExApp accepted PUT /enabled",
        _ => "",
    };
}
