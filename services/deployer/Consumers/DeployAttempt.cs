using ExApps.Contracts;
using ExApps.Deployer.Persistence;
using MassTransit;
using Npgsql;

namespace ExApps.Deployer.Consumers;

/// <summary>One run of a deploy operation: publishes progress that only ever goes up, also across attempts (a
/// deploy that starts over after its deployer died does not show 0 again), and remembers the image an update
/// replaces.</summary>
public sealed class DeployAttempt(DeployRequested request, OperationRecord record, OperationLog log,
    IPublishEndpoint publish, ILogger logger)
{
    private int? _last = record.LastProgress;

    public DeployRequested Request => request;

    /// <summary>The first attempt, or a later one after an interrupted deploy.</summary>
    public int Number => record.Attempts;

    public (string Id, string? Reference)? ReplacedImage { get; private set; } =
        record.ReplacedImageId is { } id ? (id, record.ReplacedImageRef) : null;

    public async Task ReportAsync(int progress, CancellationToken ct)
    {
        if (progress <= _last) return;
        _last = progress;
        await publish.Publish(new DeployProgress(request.OperationId, request.AppId, progress), ct);
        try
        {
            await log.RecordProgressAsync(request.OperationId, progress, ct);
        }
        catch (NpgsqlException e)
        {
            // Only a later attempt reads it; the deploy itself does not depend on it.
            logger.LogWarning("Progress {Progress} of {AppId} not recorded: {Reason}", progress, request.AppId, e.Message);
        }
    }

    public async Task RememberReplacedImageAsync(string imageId, string? reference, CancellationToken ct)
    {
        if (ReplacedImage is not null) return;
        await log.RecordReplacedImageAsync(request.OperationId, imageId, reference, ct);
        ReplacedImage = (imageId, reference);
    }
}
