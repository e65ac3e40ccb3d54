using ExApps.Contracts;
using ExApps.Lifecycle.Flow;
using ExApps.Lifecycle.Persistence;
using MassTransit;

namespace ExApps.Lifecycle.Consumers;

/// <summary>An init report (spec §5.2 step 3), published by the gateway for the ExApp or by this service for an app
/// without an init step. It only counts while the app is <c>initializing</c>: an error fails the init, 100 claims
/// the move to <c>enabling</c> and enables. Reports for apps in any other state (late, duplicate, unknown app,
/// or this service's own 100 after it already moved on) change nothing.</summary>
public sealed class InitProgressConsumer(
    OperationStore store,
    EnableStep enable,
    ILogger<InitProgressConsumer> logger) : IConsumer<InitProgress>
{
    public async Task Consume(ConsumeContext<InitProgress> context)
    {
        var report = context.Message;
        var ct = context.CancellationToken;
        var row = await store.FindAsync(report.AppId, ct);
        if (row is not { State: OperationState.Initializing })
        {
            logger.LogDebug("Init report for ExApp {AppId} ignored: it is {State}", report.AppId,
                row?.State ?? "unknown");
            return;
        }

        if (!string.IsNullOrEmpty(report.Error))
        {
            if (await store.TransitionAsync(row, OperationState.Initializing, OperationState.Failed, report.Error,
                    [new InitFailed(row.OperationId, row.AppId, report.Error)], ct))
                logger.LogWarning("ExApp {AppId} reported an init error: {Error}", report.AppId, report.Error);
            return;
        }

        if (report.Progress != 100
            || !await store.TransitionAsync(row, OperationState.Initializing, OperationState.Enabling, null, [], ct))
            return;
        logger.LogInformation("ExApp {AppId} finished init; enabling", report.AppId);
        await enable.RunAsync(row, ct);
    }
}
