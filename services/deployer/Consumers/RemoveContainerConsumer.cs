using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using ExApps.Deployer.Persistence;
using MassTransit;

namespace ExApps.Deployer.Consumers;

/// <summary>Removes an ExApp's container (force) and, only when asked, its data volume; answers
/// <see cref="ContainerRemoved"/>. Things already gone are not errors. Under the app's lock, so that a deploy
/// still running elsewhere cannot create the container again right after it was removed.</summary>
public sealed class RemoveContainerConsumer(IDockerEngines engines, AppNames names, AppLocks locks,
    ILogger<RemoveContainerConsumer> logger) : IConsumer<RemoveContainer>
{
    public Task Consume(ConsumeContext<RemoveContainer> context) => ContainerAnswers.PublishAsync(context,
        error => new ContainerRemoved(context.Message.OperationId, context.Message.AppId, false, false, error), async () =>
    {
        var request = context.Message;
        // Manual ExApps are run by the operator; there is nothing of ours to remove.
        if (request.Daemon.AcceptsDeployId != AppApiProtocol.DockerInstall)
            return new ContainerRemoved(request.OperationId, request.AppId, false, false, "");

        var engine = engines.Get(request.Daemon);
        var ct = context.CancellationToken;
        bool existed, volumeRemoved;
        await using (await locks.AcquireAsync(request.AppId, ct))
        {
            existed = await engine.RemoveContainerAsync(names.Container(request.AppId), force: true, ct);
            volumeRemoved = request.RemoveData && await engine.RemoveVolumeAsync(names.Volume(request.AppId), ct);
        }
        logger.LogInformation("Removed {AppId} from {Engine}: container {Existed}, data volume {VolumeRemoved}",
            request.AppId, engine.Endpoint, existed ? "removed" : "was absent",
            volumeRemoved ? "removed" : request.RemoveData ? "was absent" : "kept");
        return new ContainerRemoved(request.OperationId, request.AppId, existed, volumeRemoved, "");
    });
}
