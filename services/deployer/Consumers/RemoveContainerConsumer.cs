using ExApps.Contracts;
using ExApps.Deployer.Docker;
using MassTransit;

namespace ExApps.Deployer.Consumers;

/// <summary>Removes an ExApp's container (force) and, only when asked, its data volume; answers
/// <see cref="ContainerRemoved"/>. Things already gone are not errors. Engine failures fault the request, so the
/// requester sees the reason.</summary>
public sealed class RemoveContainerConsumer(IDockerEngines engines, ILogger<RemoveContainerConsumer> logger)
    : IConsumer<RemoveContainer>
{
    public async Task Consume(ConsumeContext<RemoveContainer> context)
    {
        var request = context.Message;
        if (request.Daemon.AcceptsDeployId != AppApiProtocol.DockerInstall)
        {
            // Manual ExApps are run by the operator; there is nothing of ours to remove.
            await context.RespondAsync(new ContainerRemoved(request.AppId, false, false));
            return;
        }

        var engine = engines.Get(request.Daemon);
        var ct = context.CancellationToken;
        var existed = await engine.RemoveContainerAsync(AppApiProtocol.ContainerName(request.AppId), force: true, ct);
        var volumeRemoved = request.RemoveData
                            && await engine.RemoveVolumeAsync(AppApiProtocol.VolumeName(request.AppId), ct);
        logger.LogInformation("Removed {AppId} from {Engine}: container {Existed}, data volume {VolumeRemoved}",
            request.AppId, engine.Endpoint, existed ? "removed" : "was absent",
            volumeRemoved ? "removed" : request.RemoveData ? "was absent" : "kept");
        await context.RespondAsync(new ContainerRemoved(request.AppId, existed, volumeRemoved));
    }
}
