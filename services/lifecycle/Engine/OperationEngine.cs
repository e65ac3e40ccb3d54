using System.Text.Json;
using ExApps.Contracts;
using ExApps.Lifecycle.Machine;
using ExApps.ServiceDefaults.Outbox;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.Lifecycle.Engine;

/// <summary>Applies one message to one app: locks the app's row, finds the machine's rule for its step, runs it,
/// and writes the row, the seen request id, a new status snapshot (when the registry's view changed) and the
/// rule's messages in one transaction. Whatever crashes before the commit, nothing of the message took effect and
/// it is redelivered; whatever crashes after, it is all there and the outbox sends it.</summary>
public sealed class OperationEngine(
    AppStore store,
    AppOperationMachine machine,
    TransactionalOutbox outbox,
    StepSignal steps,
    LiveInstances instances,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    ILogger<OperationEngine> logger,
    ServiceDefaults.Telemetry.PlatformMetrics? metrics = null)
{
    private static readonly JsonSerializerOptions Compact = new();

    public async Task HandleAsync(string appId, object message, CancellationToken ct)
    {
        if (message is AppChanged && await NothingWaitsForAsync(appId, message, ct)) return;
        var now = clock.GetUtcNow();
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        var request = Request(message);
        if (request is not null && !await AppStore.FirstSightAsync(conn, tx, request.OperationId, appId, now, ct))
        {
            logger.LogInformation("ExApp {AppId}: {Message} {OperationId} seen before; ignored", appId,
                message.GetType().Name, request.OperationId);
            return;
        }

        var app = await store.LockAsync(conn, tx, appId, ct);
        if (app is not null && Ignored(app, message, request) is { } why)
        {
            logger.LogDebug("ExApp {AppId}: {Message} ignored ({Why})", appId, message.GetType().Name, why);
            await tx.CommitAsync(ct); // keeps the seen request id
            return;
        }
        if (app is not null && message is InstallApp { RegistrationId: var reg } && reg != app.RegistrationId)
            app = null; // registered again after a forced removal: the old row is replaced
        var rule = machine.Find(app?.Step, message);
        if (rule is null)
        {
            logger.LogDebug("ExApp {AppId}: no rule for {Message} during {Step}", appId, message.GetType().Name,
                app?.Step ?? "(unknown app)");
            await tx.CommitAsync(ct);
            return;
        }

        app ??= NewApp(appId, request!);
        var before = JsonSerializer.Serialize(app, Compact);
        var beforeView = View(app);
        var t = new Transition(app, now, options.Value);
        rule.Then(t, message);
        if (t.Messages.Count == 0 && before == JsonSerializer.Serialize(app, Compact))
        {
            await tx.CommitAsync(ct);
            return;
        }

        var messages = new List<OutboxMessage>(t.Messages);
        if (t.Removed || t.AckRequested || !Equals(beforeView, View(app)))
        {
            app.Seq++;
            if (t.AckRequested) app.BarrierSeq = app.Seq;
            messages.Add(new OutboxMessage(Snapshot(app, now, t.AckRequested, t.Removed), Mandatory: true,
                CoalesceKey: "status:" + appId, StickyFlag: nameof(AppStatusChanged.AckRequested)));
        }
        // A step due now is leased to this process in this transaction and runs right after the commit, as the
        // worker would run it after claiming it, without the claim's own transaction. When every slot is taken
        // (or the worker is not running) it stays due and the worker claims it.
        var leased = !t.Removed && app.DueAt is { } dueNow && dueNow <= now && steps.TryReserve();
        if (leased)
        {
            app.LeaseToken++;
            app.DueAt = now + StepWorker.LeaseOf(options.Value);
        }
        try
        {
            // The row and the messages in one round trip, then the commit.
            await using (var batch = new NpgsqlBatch(conn, tx))
            {
                batch.BatchCommands.Add(t.Removed ? AppStore.DeleteCommand(appId) : store.SaveCommand(app, now, leased ? instances.Id : null));
                outbox.Add(batch, messages, now);
                await batch.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        catch
        {
            if (leased) steps.Unreserve();
            throw;
        }

        outbox.Committed();
        if (leased)
        {
            logger.LogDebug("ExApp {AppId}: step {Step} leased with its transition; it runs now", appId, app.Step);
            steps.Run(app);
        }
        else if (!t.Removed && app.DueAt is { } due) steps.Due(due);
        foreach (var (level, template, args) in t.Logs) logger.Log(level, template, args);
        if (metrics is not null) foreach (var count in t.Counts) count(metrics);
    }

    /// <summary>The registry announces every change of an app it shows (<see cref="AppChanged"/>, two or more per
    /// install), but only an app waiting in a visibility step acts on it. The others are answered from a plain read
    /// of the step, without a transaction or the row lock. That read may miss a step being entered right now; an
    /// announcement that arrives then comes from an earlier snapshot, which that step's rule would ignore too: the
    /// snapshot it waits for is sent after the step was committed, and the registry announces it after applying it.</summary>
    private async Task<bool> NothingWaitsForAsync(string appId, object message, CancellationToken ct)
    {
        var step = await store.StepOfAsync(appId, ct);
        if (machine.Find(step, message) is not null) return false;
        logger.LogDebug("ExApp {AppId}: {Message} read during {Step}, which has no rule for it", appId,
            message.GetType().Name, step ?? "(unknown app)");
        return true;
    }

    /// <summary>Why a message changes nothing for this app, or null when the machine decides.</summary>
    private static string? Ignored(AppState app, object message, OperationRequest? request)
    {
        if (request is not null && message is not InstallApp && request.RegistrationId != app.RegistrationId)
            return "another registration of the app";
        if (message is StepResult r && r.LeaseToken != app.LeaseToken) return "the step moved on";
        if (OperationOf(message) is { } op && op != app.OpId) return "not the operation in flight";
        return null;
    }

    private sealed record OperationRequest(Guid OperationId, Guid RegistrationId, AppSpec App);

    private static OperationRequest? Request(object message) => message switch
    {
        InstallApp c => new(c.OperationId, c.RegistrationId, c.App),
        UpdateApp c => new(c.OperationId, c.RegistrationId, c.App),
        EnableApp c => new(c.OperationId, c.RegistrationId, c.App),
        DisableApp c => new(c.OperationId, c.RegistrationId, c.App),
        UnregisterApp c => new(c.OperationId, c.RegistrationId, c.App),
        _ => null,
    };

    /// <summary>Answers that belong to one operation: those of any other (replaced, finished) are late.</summary>
    private static Guid? OperationOf(object message) => message switch
    {
        DeployProgress m => m.OperationId,
        ContainerStarted m => m.OperationId,
        DeployFailed m => m.OperationId,
        ContainerRunning m => m.OperationId,
        ContainerStopped m => m.OperationId,
        ContainerRemoved m => m.OperationId,
        _ => null,
    };

    private static AppState NewApp(string appId, OperationRequest request) => new()
    {
        AppId = appId,
        RegistrationId = request.RegistrationId,
        Spec = request.App,
        Version = request.App.Version,
    };

    /// <summary>What the registry shows of the app; a change of it is a new snapshot.</summary>
    private static AppStatusChanged View(AppState a) => Snapshot(a, default, false, false) with { Seq = 0 };

    public static AppStatusChanged Snapshot(AppState a, DateTimeOffset now, bool ack, bool removed) => new()
    {
        AppId = a.AppId,
        RegistrationId = a.RegistrationId,
        Seq = a.Seq,
        Enabled = a.Enabled,
        Version = a.Version,
        Status = a.Status.ToSnapshot(),
        Operation = a.OpId is { } id ? new OperationSnapshot(id, a.OpKind!, a.Step, a.OpStartedAt!.Value) : null,
        LastOperation = a.LastOp,
        Health = a.Health,
        Removed = removed,
        AckRequested = ack,
        At = now,
    };
}
