using ExApps.Contracts;
using ExApps.Registry.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace ExApps.Registry.Status;

/// <summary>Projects the deploy and lifecycle events into each app's status object and enabled flag. Events of
/// an older operation (a replaced install) are ignored; rows are locked so concurrent events never lose updates.</summary>
public sealed class StatusProjectionConsumer(RegistryDb db, TimeProvider clock, ILogger<StatusProjectionConsumer> log) :
    IConsumer<DeployProgress>, IConsumer<DeployFailed>, IConsumer<HeartbeatOk>, IConsumer<HeartbeatFailed>,
    IConsumer<InitStarted>, IConsumer<InitProgress>, IConsumer<InitFailed>, IConsumer<Enabled>, IConsumer<EnableFailed>
{
    private long Now => clock.GetUtcNow().ToUnixTimeSeconds();

    public Task Consume(ConsumeContext<DeployProgress> c) =>
        Update(c.Message.AppId, c.Message.OperationId, (_, s) => StatusProjection.ApplyDeployProgress(s, c.Message.Progress, Now), c.CancellationToken);

    public Task Consume(ConsumeContext<DeployFailed> c) =>
        Fail(c.Message.AppId, c.Message.OperationId, c.Message.Reason, c.CancellationToken);

    public Task Consume(ConsumeContext<HeartbeatOk> c) =>
        Update(c.Message.AppId, c.Message.OperationId, (_, s) => StatusProjection.ApplyHeartbeat(s, c.Message.FailedTries), c.CancellationToken);

    public Task Consume(ConsumeContext<HeartbeatFailed> c) =>
        Update(c.Message.AppId, c.Message.OperationId, (row, s) =>
        {
            row.Enabled = false;
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
        Update(c.Message.AppId, null, (_, s) => StatusProjection.ApplyInitProgress(s, c.Message.Progress, c.Message.Error,
            c.Message.ReportedAt.ToUnixTimeSeconds()), c.CancellationToken);

    public Task Consume(ConsumeContext<InitFailed> c) =>
        Fail(c.Message.AppId, c.Message.OperationId, c.Message.Reason, c.CancellationToken);

    public Task Consume(ConsumeContext<Enabled> c) =>
        Update(c.Message.AppId, c.Message.OperationId, (row, _) =>
        {
            row.Enabled = true;
            return true;
        }, c.CancellationToken);

    public Task Consume(ConsumeContext<EnableFailed> c) =>
        Fail(c.Message.AppId, c.Message.OperationId, c.Message.Reason, c.CancellationToken);

    private Task Fail(string appId, Guid operationId, string reason, CancellationToken ct) =>
        Update(appId, operationId, (row, s) =>
        {
            row.Enabled = false;
            return StatusProjection.ApplyError(s, reason);
        }, ct);

    private async Task Update(string appId, Guid? operationId, Func<AppRow, AppStatus, bool> apply, CancellationToken ct)
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
        if (!apply(row, status)) return;
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
