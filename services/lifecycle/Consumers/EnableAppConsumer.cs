using ExApps.Contracts;
using ExApps.Lifecycle.Flow;
using ExApps.Lifecycle.Persistence;
using ExApps.Lifecycle.Workers;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Consumers;

/// <summary>app:enable (spec §5.3): start the container (unless a manual install), then heartbeat and
/// <c>PUT /enabled?enabled=1</c> through the workers; the answer is <see cref="Enabled"/> or
/// <see cref="EnableFailed"/>. While another operation of the app is in flight the command is refused with
/// EnableFailed saying so. A redelivery while the container start was under way (this process died) asks for the
/// start again; any other repeat is ignored.</summary>
public sealed class EnableAppConsumer(
    OperationStore store,
    ContainerStartStep containerStart,
    HeartbeatSignal heartbeats,
    TimeProvider clock,
    IOptions<LifecycleOptions> options,
    ILogger<EnableAppConsumer> logger) : IConsumer<EnableApp>
{
    public async Task Consume(ConsumeContext<EnableApp> context)
    {
        var command = context.Message;
        var app = command.App;
        var ct = context.CancellationToken;
        var withContainer = ContainerControl.HasContainer(command.Daemon);
        var row = NewOperation.Create(command.OperationId, app.AppId, OperationKind.Enable, app.Version, app.Url,
            app.Secret, withContainer ? OperationState.Starting : OperationState.Heartbeat,
            clock.GetUtcNow() + options.Value.HeartbeatTimeout);

        var begun = await store.BeginAsync(row, mayReplace: false,
            busy => [new EnableFailed(command.OperationId, app.AppId, BusyReason(busy))], ct);
        switch (begun.Outcome)
        {
            case BeginOutcome.Busy:
                logger.LogWarning("{Reason}", BusyReason(begun.Current!));
                return;
            case BeginOutcome.Duplicate when begun.Current is { State: OperationState.Starting } current
                                             && current.OperationId == command.OperationId:
                logger.LogInformation("EnableApp for ExApp {AppId} came back mid-start; asking for the start again",
                    app.AppId);
                await containerStart.RunAsync(current, command.Daemon!, ct);
                return;
            case BeginOutcome.Duplicate:
                logger.LogInformation("Duplicate EnableApp for ExApp {AppId} operation {OperationId} ignored",
                    app.AppId, command.OperationId);
                return;
        }

        logger.LogInformation("Enabling ExApp {AppId} (operation {OperationId})", app.AppId, command.OperationId);
        if (withContainer)
            await containerStart.RunAsync(begun.Current!, command.Daemon!, ct);
        else
            heartbeats.Wake();
    }

    public static string BusyReason(AppOperation busy) =>
        $"ExApp {busy.AppId} is busy: its {busy.Kind} is still in progress ({busy.State}); enable it once that has finished";
}
