using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using Microsoft.Extensions.Options;

namespace ExApps.Deployer.Consumers;

/// <summary>Deploy step 2: makes the ExApp's image available on the engine (the compute-device variant first,
/// then the declared tag) and reports pull progress 0..94 while the layers arrive, with the bytes downloaded.</summary>
public sealed class ImageAcquisition(IOptions<DeployerOptions> options, TimeProvider time,
    ILogger<ImageAcquisition> logger)
{
    /// <returns>The image reference to create the container from.</returns>
    public async Task<string> AcquireAsync(IDockerEngine engine, DeployRequested request, Func<PullReport, Task> report,
        CancellationToken ct)
    {
        var candidates = ImageCandidates.For(request.AppId, request.Image,
            ComputeDevices.Parse(request.Daemon.ComputeDevice), request.Daemon.Registries);

        if (!candidates[0].Pull)
        {
            foreach (var candidate in candidates)
                if (await engine.InspectImageAsync(candidate.Reference, ct) is not null)
                    return candidate.Reference;
            throw new DeployException(
                $"Image {candidates[^1]} is not on Docker engine {engine.Endpoint}, and the daemon's registry remap " +
                $"'{candidates[^1].Registry} -> local' forbids pulling it: load the image on the engine first.");
        }

        var throttle = new ProgressThrottle(time, options.Value.PullProgressInterval);
        DockerEngineException? lastFailure = null;
        foreach (var candidate in candidates)
        {
            try
            {
                await PullAsync(engine, candidate, throttle, report, ct);
                return candidate.Reference;
            }
            catch (DockerEngineException e) when (IsAboutTheImage(e))
            {
                // A variant tag that does not exist is the normal case; the next candidate decides.
                logger.LogInformation("Image {Image} not pulled ({Reason}); trying the next candidate",
                    candidate.Reference, e.Message);
                lastFailure = e;
            }
        }
        throw lastFailure!;
    }

    private static async Task PullAsync(IDockerEngine engine, ImageCandidate candidate, ProgressThrottle throttle,
        Func<PullReport, Task> report, CancellationToken ct)
    {
        var progress = new PullProgress();
        await engine.PullImageAsync(candidate.FromImage, candidate.Tag, async message =>
        {
            if (progress.Apply(message) && throttle.ShouldPublish(progress.Percent))
                await report(new PullReport(progress.Percent, progress.PulledBytes, progress.TotalBytes));
        }, ct);
        progress.Complete();
        // The last report says the pull is done, with the bytes of every new layer.
        throttle.ShouldFlush(progress.Percent);
        await report(new PullReport(progress.Percent, progress.PulledBytes, progress.TotalBytes, Done: true));
    }

    // An engine that cannot be reached or refuses us fails every candidate the same way: stop at once.
    private static bool IsAboutTheImage(DockerEngineException e) =>
        e.Kind is DockerErrorKind.NotFound or DockerErrorKind.Engine or DockerErrorKind.Conflict;
}

/// <summary>Pull progress 0..94 and the bytes of the new layers; <see cref="Done"/> once the image is there.</summary>
public readonly record struct PullReport(int Percent, long PulledBytes, long TotalBytes, bool Done = false);
