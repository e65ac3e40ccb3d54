using ExApps.Contracts;
using ExApps.Lifecycle.Flow;
using ExApps.Lifecycle.Persistence;
using MassTransit;

namespace ExApps.Lifecycle.Consumers;

/// <summary>app:disable, and the registry's step before an update or unregister (spec §5.4). A disable replaces an
/// operation in flight (an install stuck in its heartbeat must be stoppable; that operation's work then finds the
/// row moved on). The answer, <see cref="Disabled"/>, is published and, when the command came as a request, also
/// sent back to the requester. A redelivery mid-disable (this process died) runs the disable again; a repeat of
/// a finished disable answers again without calling the ExApp.</summary>
public sealed class DisableAppConsumer(
    OperationStore store,
    DisableStep disable,
    TimeProvider clock,
    ILogger<DisableAppConsumer> logger) : IConsumer<DisableApp>
{
    public async Task Consume(ConsumeContext<DisableApp> context)
    {
        var command = context.Message;
        var app = command.App;
        var ct = context.CancellationToken;
        var row = NewOperation.Create(command.OperationId, app.AppId, OperationKind.Disable, app.Version, app.Url,
            app.Secret, OperationState.Disabling, clock.GetUtcNow());

        var begun = await store.BeginAsync(row, mayReplace: true, _ => [], ct);
        var current = begun.Current;
        var ours = current is not null && current.OperationId == command.OperationId;
        switch (begun.Outcome)
        {
            case BeginOutcome.Duplicate when ours && current!.State == OperationState.Disabled:
                logger.LogInformation("Repeated DisableApp for ExApp {AppId}; answering again", app.AppId);
                await RespondAsync(context, new Disabled(command.OperationId, app.AppId, current.LastError));
                return;
            case BeginOutcome.Duplicate when !ours || current!.State != OperationState.Disabling:
                logger.LogInformation("Late DisableApp for ExApp {AppId} operation {OperationId} ignored",
                    app.AppId, command.OperationId);
                return;
        }

        logger.LogInformation("Disabling ExApp {AppId} (operation {OperationId})", app.AppId, command.OperationId);
        if (await disable.RunAsync(current!, command, ct) is { } disabled)
            await RespondAsync(context, disabled);
    }

    /// <summary>The event itself goes out through the outbox; a requester also gets it as its response.</summary>
    private static Task RespondAsync(ConsumeContext<DisableApp> context, Disabled disabled) =>
        context.ResponseAddress is null ? Task.CompletedTask : context.RespondAsync(disabled);
}
