using System.Text.Json;
using ExApps.Contracts;
using ExApps.Registry.Status;

namespace ExApps.Registry.Timeline;

/// <summary>What an applied snapshot adds to the app's timeline, from the difference to the one it replaced: an
/// operation that started, a new step, init progress crossing a tenth, how an operation ended (with the step it
/// ended in), a change of health.</summary>
public static class SnapshotEvents
{
    public static List<TimelineEvent> Between(string? oldOperation, string? oldLast, string? oldStatus, string? oldHealth,
        AppStatusChanged s)
    {
        var events = new List<TimelineEvent>();
        var before = oldOperation is null ? null : JsonSerializer.Deserialize<OperationSnapshot>(oldOperation);
        var last = oldLast is null ? null : JsonSerializer.Deserialize<OperationOutcome>(oldLast);
        var status = oldStatus is null ? new AppStatus() : AppStatus.Parse(oldStatus);
        var health = oldHealth is null ? null : JsonSerializer.Deserialize<AppHealth>(oldHealth);
        var op = s.Operation;

        if (op is not null && op.Id != before?.Id)
            events.Add(new("started", $"{Capital(op.Kind)} started", op.StartedAt, op.Id, op.Step));
        // Init progress (each tenth crossed) while an operation inits; it comes before the step it led to.
        // (a new init_start_time: init started again from 0)
        var fromInit = s.Status.InitStartTime != status.InitStartTime ? 0 : status.Init;
        if (op is not null && op.Step is "init_visible" or "calling_init" or "initializing" or "enable_visible" or "enabling"
            && s.Status.Init / 10 > fromInit / 10)
            events.Add(new("init", $"Init at {s.Status.Init} %", s.At, op.Id, op.Step, new { init = s.Status.Init }));
        if (op is not null && (op.Id != before?.Id || op.Step != before.Step) && StepText(op.Step) is { } text)
            events.Add(new("step", text, s.At, op.Id, op.Step, StepData(op.Step, s.Status)));

        if (s.LastOperation is { } end && end.Id != last?.Id)
        {
            var step = before?.Id == end.Id ? before.Step : null;
            var message = end.Outcome switch
            {
                "failed" => $"{Capital(end.Kind)} failed{(step is null ? "" : $" at step {step}")}: {end.Error}",
                "refused" => $"{Capital(end.Kind)} refused: {end.Error}",
                _ => $"{Capital(end.Kind)} finished: {end.Outcome}{(end.Error.Length > 0 ? $" ({end.Error})" : "")}",
            };
            events.Add(new("outcome", message, end.EndedAt, end.Id, step, new { outcome = end.Outcome, kind = end.Kind }));
        }

        if (s.Health is { } h && (health is null || h.State != health.State || h.Reason != health.Reason))
            events.Add(new("health", h.Reason.Length > 0 ? $"Health {h.State}: {h.Reason}" : $"Health {h.State}", h.Since,
                Data: new { state = h.State, restarts = h.Restarts }));
        return events;
    }

    /// <summary>The lifecycle's steps in an operator's words (null: not worth a line of its own).</summary>
    public static string? StepText(string step) => step switch
    {
        "deploying" => "Deploying: pulling the image and starting the container",
        "starting" => "Starting the container",
        "heartbeat" => "Waiting for the heartbeat",
        "calling_init" => "Calling init",
        "initializing" => "Initializing",
        "enabling" => "Enabling",
        "disabling" => "Disabling",
        "stopping" => "Stopping the container",
        "removing" => "Removing the container",
        _ => null,
    };

    private static object? StepData(string step, AppStatusSnapshot status) =>
        step == "heartbeat" ? new { deploy = status.Deploy } : null;

    private static string Capital(string kind) => kind.Length == 0 ? "Operation" : char.ToUpperInvariant(kind[0]) + kind[1..];
}
