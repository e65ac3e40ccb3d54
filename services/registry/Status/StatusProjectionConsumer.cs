using ExApps.Contracts;
using ExApps.Registry.Apps;
using ExApps.Registry.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace ExApps.Registry.Status;

/// <summary>Projects the deploy and lifecycle events into each app's status object and enabled flag, and ends
/// the app's running operation on its last event. Events of an older operation (a replaced install) are ignored;
/// rows are locked so concurrent events never lose updates.</summary>
public sealed class StatusProjectionConsumer(RegistryDb db, UpdateFlow updates, TimeProvider clock,
    ILogger<StatusProjectionConsumer> log) :
    IConsumer<DeployProgress>, IConsumer<DeployFailed>, IConsumer<HeartbeatOk>, IConsumer<HeartbeatFailed>,
    IConsumer<InitStarted>, IConsumer<InitProgress>, IConsumer<InitFailed>, IConsumer<Enabled>, IConsumer<EnableFailed>,
    IConsumer<Disabled>, IConsumer<HeartbeatProgress>, IConsumer<Fault<DeployRequested>>
{
    private long Now => clock.GetUtcNow().ToUnixTimeSeconds();

    public Task Consume(ConsumeContext<DeployProgress> c) =>
        Update(c.Message.AppId, c.Message.OperationId, (_, s) => StatusProjection.ApplyDeployProgress(s, c.Message.Progress, Now), c.CancellationToken);

    public Task Consume(ConsumeContext<DeployFailed> c) =>
        Fail(c.Message.AppId, c.Message.OperationId, c.Message.Reason, c.CancellationToken);

    /// <summary>A deploy request the deployers could not process even after retries (e.g. their database was
    /// down): without this the app would stay "deploying" with nothing left to move it.</summary>
    public Task Consume(ConsumeContext<Fault<DeployRequested>> c) =>
        Fail(c.Message.Message.AppId, c.Message.Message.OperationId,
            "Deploy failed: " + (c.Message.Exceptions.FirstOrDefault()?.Message ?? "the deployer could not process the request"),
            c.CancellationToken);

    public Task Consume(ConsumeContext<HeartbeatOk> c) =>
        Update(c.Message.AppId, c.Message.OperationId, (_, s) => StatusProjection.ApplyHeartbeat(s, c.Message.FailedTries), c.CancellationToken);

    public Task Consume(ConsumeContext<HeartbeatProgress> c) =>
        Update(c.Message.AppId, c.Message.OperationId, (_, s) => StatusProjection.ApplyHeartbeat(s, c.Message.FailedTries), c.CancellationToken);

    public Task Consume(ConsumeContext<HeartbeatFailed> c) =>
        Update(c.Message.AppId, c.Message.OperationId, (row, s) =>
        {
            row.Enabled = false;
            AppOperations.Finish(row);
            StatusProjection.ApplyHeartbeat(s, c.Message.FailedTries);
            return StatusProjection.ApplyError(s, c.Message.Reason);
        }, c.CancellationToken);

    public Task Consume(ConsumeContext<InitStarted> c) =>
        Update(c.Message.AppId, c.Message.OperationId, (row, s) =>
        {
            row.Enabled = true; // enabled before init, so the ExApp may call the platform while initializing
            return StatusProjection.ApplyInitProgress(s, 0, "", Now);
        }, c.CancellationToken);

    public Task Consume(ConsumeContext<InitProgress> c) =>
        Update(c.Message.AppId, null, (row, s) =>
        {
            // An error reported by the ExApp ends its install or update, as it does in AppAPI.
            if (c.Message.Error.Length > 0 && row.OperationKind is AppOperations.Install or AppOperations.Update)
                AppOperations.Finish(row);
            return StatusProjection.ApplyInitProgress(s, c.Message.Progress, c.Message.Error,
                c.Message.ReportedAt.ToUnixTimeSeconds());
        }, c.CancellationToken);

    public Task Consume(ConsumeContext<InitFailed> c) =>
        Fail(c.Message.AppId, c.Message.OperationId, c.Message.Reason, c.CancellationToken);

    public Task Consume(ConsumeContext<Enabled> c) =>
        Update(c.Message.AppId, c.Message.OperationId, (row, _) =>
        {
            row.Enabled = true;
            AppOperations.Finish(row);
            return true;
        }, c.CancellationToken);

    public Task Consume(ConsumeContext<EnableFailed> c) =>
        Fail(c.Message.AppId, c.Message.OperationId, c.Message.Reason, c.CancellationToken);

    /// <summary>The end of a disable; for an update, the moment to redeploy with the new app info.</summary>
    public Task Consume(ConsumeContext<Disabled> c) =>
        UpdateAsync(c.Message.AppId, c.Message.OperationId, async (row, s) =>
        {
            row.Enabled = false;
            if (row.OperationKind == AppOperations.Update && row.PendingUpdate is not null)
            {
                await updates.RedeployAsync(row, c, c.CancellationToken);
                return true;
            }
            if (row.OperationKind == AppOperations.Unregister) return true; // the unregistration goes on

            AppOperations.Finish(row);
            if (c.Message.Error.Length > 0) StatusProjection.ApplyError(s, c.Message.Error);
            return true;
        }, c.CancellationToken);

    private Task Fail(string appId, Guid operationId, string reason, CancellationToken ct) =>
        Update(appId, operationId, (row, s) =>
        {
            row.Enabled = false;
            AppOperations.Finish(row);
            return StatusProjection.ApplyError(s, reason);
        }, ct);

    private Task Update(string appId, Guid? operationId, Func<AppRow, AppStatus, bool> apply, CancellationToken ct) =>
        UpdateAsync(appId, operationId, (row, s) => Task.FromResult(apply(row, s)), ct);

    private async Task UpdateAsync(string appId, Guid? operationId, Func<AppRow, AppStatus, Task<bool>> apply,
        CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.Apps.FromSql($"SELECT * FROM registry.apps WHERE appid = {appId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (row is null || (operationId is { } op && op != row.OperationId))
        {
            log.LogDebug("Status event for {AppId} ignored: app gone or operation replaced", appId);
            return;
        }
        var status = AppStatus.Parse(row.Status);
        if (!await apply(row, status)) return;
        row.Status = status.ToJson();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}

/// <summary>One consumer at a time on the projection queue, so events of an app are applied in arrival order.</summary>
public sealed class StatusProjectionConsumerDefinition : ConsumerDefinition<StatusProjectionConsumer>
{
    public StatusProjectionConsumerDefinition()
    {
        EndpointName = "registry-status-projection";
        ConcurrentMessageLimit = 1;
    }
}
