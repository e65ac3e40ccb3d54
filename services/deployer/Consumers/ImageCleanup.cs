using ExApps.Deployer.Docker;

namespace ExApps.Deployer.Consumers;

/// <summary>After a successful update, removes the image the old container ran (AppAPI never does, and engines
/// fill up with old ExApp versions) — but only when no container uses it any more, and never forced, so an image
/// that another tag or container still needs stays. A failure here is logged, never a failed update.</summary>
public sealed class ImageCleanup(ILogger<ImageCleanup> logger)
{
    public async Task RemoveReplacedAsync(IDockerEngine engine, string oldImageId, string? oldReference,
        string newImageId, CancellationToken ct)
    {
        if (oldImageId == newImageId) return;
        try
        {
            if (await engine.InspectImageAsync(oldImageId, ct) is null) return;
            var users = await engine.ListContainersUsingAsync(oldImageId, ct);
            if (users.Count > 0)
            {
                logger.LogInformation("Kept the replaced image {Image}: {Count} container(s) still use it",
                    oldReference ?? oldImageId, users.Count);
                return;
            }
            // Untag what the old container was created from while it still names the old image (the image goes with
            // its last tag); when the tag has moved on to a newer image (e.g. latest), the old one is only an id.
            var target = oldReference is not null && (await engine.InspectImageAsync(oldReference, ct))?.ID == oldImageId
                ? oldReference
                : oldImageId;
            if (await engine.RemoveImageAsync(target, ct))
                logger.LogInformation("Removed the replaced image {Image} from {Engine}", target, engine.Endpoint);
        }
        catch (DockerEngineException e)
        {
            logger.LogWarning("Kept the replaced image {Image}: {Reason}", oldReference ?? oldImageId, e.Message);
        }
    }
}
