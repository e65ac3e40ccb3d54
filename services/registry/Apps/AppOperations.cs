using System.Text.Json;
using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using ExApps.Registry.Status;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Registry.Apps;

/// <summary>An operation the registry asked of the lifecycle, until the lifecycle reports on it.</summary>
public sealed record RequestedOperation(Guid Id, string Kind, DateTimeOffset At);

/// <summary>How the registry asks the lifecycle for an app operation (docs/flows.md): under the app's row lock it
/// checks that nothing runs or waits for the app, records the request and writes the command to its outbox, in
/// one transaction. The lifecycle owns the operation from there; what the registry shows of it comes from the
/// lifecycle's snapshots (<see cref="AppStatusProjection"/>).</summary>
public sealed class AppOperations(RegistryDb db, TransactionalOutbox outbox, SecretProtector protector,
    AppChangeFeed feed, TimeProvider clock)
{
    public const string Install = "install";
    public const string Update = "update";
    public const string Enable = "enable";
    public const string Disable = "disable";
    public const string Unregister = "unregister";

    /// <summary>Opens a transaction and locks the app's row (null when the app does not exist).</summary>
    public async Task<(AppRow? Row, RegistryTransaction Tx)> LockAsync(string appId, CancellationToken ct)
    {
        var tx = await db.BeginAsync(ct);
        try
        {
            return (await db.LockAppAsync(appId, ct), tx);
        }
        catch
        {
            await tx.DisposeAsync();
            throw;
        }
    }

    /// <summary>An operation runs (per the lifecycle's latest snapshot) or was asked for and not reported on yet.</summary>
    public static bool IsBusy(AppRow row) => row.Operation is not null || row.RequestedOperation is not null;

    public static IResult Busy(AppRow row)
    {
        var kind = row.Operation is { } op ? JsonSerializer.Deserialize<OperationSnapshot>(op)!.Kind
            : JsonSerializer.Deserialize<RequestedOperation>(row.RequestedOperation!)!.Kind;
        return Problems.Of(409, "operation_in_progress",
            $"ExApp {row.AppId} is busy: its {kind} is still running. Wait until it has finished (app:list shows the status), or unregister the app.");
    }

    /// <summary>Records <paramref name="kind"/> as requested and queues <paramref name="command"/> for the lifecycle
    /// in the open transaction <paramref name="tx"/>, then commits. Returns the operation id.</summary>
    public async Task<Guid> RequestAsync(AppRow row, RegistryTransaction tx, string kind,
        Func<Guid, object> command, CancellationToken ct, params object[] alsoPublish)
    {
        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        row.RequestedOperation = JsonSerializer.Serialize(new RequestedOperation(id, kind, now));
        var messages = new List<OutboxMessage> { OutboxMessage.Command(command(id)) };
        messages.AddRange(alsoPublish.Select(OutboxMessage.Event));
        // The row, the command and the timeline's line in one round trip, then the commit.
        await using (var batch = new Npgsql.NpgsqlBatch(tx.Connection, tx.Transaction))
        {
            batch.BatchCommands.Add(RegistryDb.UpdateAppFactsCommand(row));
            outbox.Add(batch, messages, now);
            Timeline.AppTimeline.Add(batch, row.AppId,
                [new Timeline.TimelineEvent("requested", $"{char.ToUpperInvariant(kind[0])}{kind[1..]} requested", now, id, "requested")]);
            await batch.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        outbox.Committed();
        return id;
    }

    /// <summary>The app as the lifecycle's requests describe it: current facts, the version it calls the ExApp with.</summary>
    public AppSpec Spec(AppRow row, DaemonRow daemon) => Spec(row, daemon, row.StoredInfo(), row.Version);

    public AppSpec Spec(AppRow row, DaemonRow daemon, AppInfo.AppInfoModel info, string version)
    {
        var options = row.StoredOptions();
        return new AppSpec
        {
            AppId = row.AppId,
            Version = version,
            DisplayName = info.Name,
            Port = row.Port,
            Secret = new Secret(protector.Unprotect(row.SecretEnc)),
            ExAppUrl = ExAppUrl.For(daemon, row.AppId, row.Port),
            NextcloudUrl = daemon.Config().NextcloudUrl,
            Image = info.Image,
            Daemon = daemon.ToTarget(protector),
            Environment = options.FinalEnvironment(info.EnvironmentVariables),
            Mounts = options.FinalMounts(),
            AutoRecover = daemon.Config().AutoRecover,
        };
    }

    /// <summary>Waits until the lifecycle reports the end of operation <paramref name="operationId"/> (or the app is
    /// gone). Follows the app's changes as they are written (LISTEN/NOTIFY), reading the row again at least every
    /// second in case a notification was missed.</summary>
    /// <returns>The app then (null when gone) and the operation's outcome (null when the wait timed out).</returns>
    public async Task<(AppRow? Row, OperationOutcome? Outcome)> WaitForAsync(string appId, Guid operationId,
        TimeSpan timeout, CancellationToken ct)
    {
        using var changes = feed.Subscribe(appId);
        var deadline = clock.GetUtcNow() + timeout;
        while (true)
        {
            var row = await db.FindAppAsync(appId, ct);
            if (row is null) return (null, new OperationOutcome(operationId, "", "removed", "", clock.GetUtcNow()));
            if (row.LastOperation is not null
                && JsonSerializer.Deserialize<OperationOutcome>(row.LastOperation) is { } last && last.Id == operationId)
                return (row, last);
            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero) return (row, null);
            await changes.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), ct);
        }
    }
}
