using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using Microsoft.Extensions.Options;

namespace ExApps.Deployer.Consumers;

/// <summary>The docker-install deploy of spec §3, steps 2 to 7, reporting deploy progress as it goes. Throws
/// <see cref="DockerEngineException"/> or <see cref="DeployException"/> with the reason when a step fails.</summary>
public sealed class DockerDeployment(IDockerEngines engines, ImageAcquisition images, ContainerWaits waits,
    IOptions<DeployerOptions> options, ILogger<DockerDeployment> logger)
{
    public const int OldContainerRemoved = 96;
    public const int ContainerCreated = 97;
    public const int ContainerStarting = 98;
    public const int ContainerRunning = 100;

    public async Task RunAsync(DeployRequested request, Func<int, Task> report, CancellationToken ct)
    {
        var engine = engines.Get(request.Daemon);
        var name = AppApiProtocol.ContainerName(request.AppId);

        var image = await images.AcquireAsync(engine, request, report, ct);
        // Built before the old container goes, so that a request the engine would refuse leaves it in place.
        var body = ContainerSpecBuilder.Build(request, image, options.Value.RestartPolicy);

        if (await engine.RemoveContainerAsync(name, force: true, ct))
            logger.LogInformation("Removed the previous container {Container}", name);
        await report(OldContainerRemoved);

        await engine.CreateVolumeAsync(AppApiProtocol.VolumeName(request.AppId), ct);
        await engine.CreateContainerAsync(name, body, ct);
        await report(ContainerCreated);

        await engine.StartContainerAsync(name, ct);
        await report(ContainerStarting);

        await waits.WaitRunningAsync(engine, name, ct);
        await report(ContainerRunning);

        await waits.WaitHealthyAsync(engine, name, ct);
        logger.LogInformation("Container {Container} runs {Image} on {Engine}", name, image, engine.Endpoint);
    }
}
