using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using Microsoft.Extensions.Options;

namespace ExApps.Deployer.Consumers;

/// <summary>The docker-install deploy of docs/protocol.md §3, steps 1 to 7, reporting deploy progress as it goes. Throws
/// <see cref="DockerEngineException"/> or <see cref="DeployException"/> with the reason when a step fails. Every
/// step can run again after an interrupted attempt: the pull finds the layers it has, the half-made container of
/// the earlier attempt is the "old container" that step 3 removes, and the volume is created only if missing.</summary>
public sealed class DockerDeployment(IDockerEngines engines, AppNames names, ImageAcquisition images,
    ContainerWaits waits, HostPortGuard ports, ImageCleanup cleanup, IOptions<DeployerOptions> options, ILogger<DockerDeployment> logger)
{
    public const int OldContainerRemoved = 96;
    public const int ContainerCreated = 97;
    public const int ContainerStarting = 98;
    public const int ContainerRunning = 100;

    public async Task RunAsync(DeployAttempt attempt, CancellationToken ct)
    {
        var request = attempt.Request;
        var engine = engines.Get(request.Daemon);
        var name = names.Container(request.AppId);

        await attempt.ReportAsync(0, ct, DeployAttempt.Pulling);
        // A taken port fails the deploy before a pull that may take minutes, unless the app's own running
        // container may be what holds it (then it is checked once that container is gone, below).
        if (HostPortGuard.Applies(request.Daemon) && await engine.InspectContainerAsync(name, ct) is not { State.Running: true })
            await ports.EnsureFreeAsync(request.Daemon, request.AppId, request.Port, ct);
        var image = await images.AcquireAsync(engine, request, p => p.Done
            ? attempt.ReportPulledAsync(p.Percent, p.PulledBytes, p.TotalBytes, ct)
            : attempt.ReportAsync(p.Percent, ct, DeployAttempt.Pulling, p.PulledBytes, p.TotalBytes), ct);
        // (also when the image was there already and there was nothing to pull)
        await attempt.ReportPulledAsync(PullProgress.Max, 0, 0, ct);
        // Built before the old container goes, so that a request the engine would refuse leaves it in place.
        var body = ContainerSpecBuilder.Build(request, image, options.Value.RestartPolicy, names.Volume(request.AppId));

        var old = await engine.InspectContainerAsync(name, ct);
        if (request.Kind == AppApiProtocol.KindUpdate && old?.Image is { } oldImage)
            await attempt.RememberReplacedImageAsync(oldImage, old.Config?.Image, ct);
        if (old is not null && await engine.RemoveContainerAsync(name, force: true, ct))
            logger.LogInformation("Removed the previous container {Container}", name);
        await attempt.ReportAsync(OldContainerRemoved, ct, DeployAttempt.Pulled);
        await ports.EnsureFreeAsync(request.Daemon, request.AppId, request.Port, ct);

        await engine.CreateVolumeAsync(names.Volume(request.AppId), ct);
        await engine.CreateContainerAsync(name, body, ct);
        try
        {
            await attempt.ReportAsync(ContainerCreated, ct, DeployAttempt.Created);
            await engine.StartContainerAsync(name, ct);
        }
        catch (Exception e) when (e is DockerEngineException or DeployException)
        {
            // No half-made container is left behind (an engine that went away meanwhile keeps it: the next deploy
            // or the unregistration removes it, as step 3 does here).
            await RemoveQuietlyAsync(engine, name);
            throw;
        }
        await attempt.ReportAsync(ContainerStarting, ct, DeployAttempt.Starting);

        await waits.WaitRunningAsync(engine, name, ct);
        await attempt.ReportAsync(ContainerRunning, ct, DeployAttempt.Running);

        await waits.WaitHealthyAsync(engine, name, ct);
        logger.LogInformation("Container {Container} runs {Image} on {Engine}", name, image, engine.Endpoint);

        if (attempt.ReplacedImage is { } replaced && await engine.InspectContainerAsync(name, ct) is { Image: { } newImage })
            await cleanup.RemoveReplacedAsync(engine, replaced.Id, replaced.Reference, newImage, ct);
    }

    private async Task RemoveQuietlyAsync(IDockerEngine engine, string name)
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            if (await engine.RemoveContainerAsync(name, force: true, limit.Token))
                logger.LogInformation("Removed the container {Container} the failed deploy had created", name);
        }
        catch (Exception e) when (e is DockerEngineException or OperationCanceledException)
        {
            logger.LogWarning("The container {Container} of a failed deploy could not be removed now: {Error}", name, e.Message);
        }
    }
}
