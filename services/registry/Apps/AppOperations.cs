using ExApps.Registry.Api;
using ExApps.Registry.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Apps;

/// <summary>One operation per app at a time (architecture: work for one appid is serialized). The claim is a
/// column of the app row, taken under a row lock, so two requests racing on different registry replicas still
/// see each other.</summary>
public sealed class AppOperations(RegistryDb db, TimeProvider clock, IOptions<RegistryOptions> options)
{
    public const string Install = "install";
    public const string Update = "update";
    public const string Enable = "enable";
    public const string Disable = "disable";
    public const string Unregister = "unregister";

    /// <summary>Opens a transaction and locks the app's row (null when the app does not exist).</summary>
    public async Task<(AppRow? Row, IDbContextTransaction Tx)> LockAsync(string appId, CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.Apps.FromSql($"SELECT * FROM registry.apps WHERE appid = {appId} FOR UPDATE").SingleOrDefaultAsync(ct);
        return (row, tx);
    }

    /// <summary>An operation runs unless it is older than <see cref="RegistryOptions.OperationTimeout"/>: every
    /// step has its own timeout in the lifecycle, so a claim that old only means an event was lost.</summary>
    public bool IsBusy(AppRow row) =>
        row.OperationKind is not null
        && row.OperationStartedAt is { } started
        && clock.GetUtcNow() - started < options.Value.OperationTimeout;

    public void Start(AppRow row, string kind, Guid operationId)
    {
        row.OperationKind = kind;
        row.OperationId = operationId;
        row.OperationStartedAt = clock.GetUtcNow();
    }

    public static void Finish(AppRow row)
    {
        row.OperationKind = null;
        row.OperationStartedAt = null;
        row.PendingUpdate = null;
    }

    public static IResult Busy(AppRow row) => Problems.Of(409, "operation_in_progress",
        $"ExApp {row.AppId} is busy: its {row.OperationKind} is still running. Wait until it has finished (app:list shows the status), or unregister the app.");

    /// <summary>Polls until the operation has ended (claim released or replaced, or the app gone).</summary>
    /// <returns>The app as it is then (null when gone), and whether the wait timed out.</returns>
    public async Task<(AppRow? Row, bool TimedOut)> WaitForAsync(string appId, Guid operationId, TimeSpan timeout,
        CancellationToken ct, Func<AppRow, bool>? done = null)
    {
        var deadline = clock.GetUtcNow() + timeout;
        while (true)
        {
            var row = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == appId, ct);
            if (row is null || row.OperationId != operationId || row.OperationKind is null || done?.Invoke(row) == true)
                return (row, false);
            if (clock.GetUtcNow() >= deadline) return (row, true);
            await Task.Delay(options.Value.OperationPollInterval, clock, ct);
        }
    }

    /// <summary>Gives up a claim that nobody will finish (the lifecycle did not answer in time).</summary>
    public Task ReleaseAsync(string appId, Guid operationId) => db.Apps
        .Where(a => a.AppId == appId && a.OperationId == operationId && a.OperationKind != null)
        .ExecuteUpdateAsync(s => s.SetProperty(a => a.OperationKind, (string?)null)
            .SetProperty(a => a.OperationStartedAt, (DateTimeOffset?)null)
            .SetProperty(a => a.PendingUpdate, (string?)null), CancellationToken.None);
}
