using ExApps.Contracts;
using ExApps.Deployer.Persistence;
using MassTransit;
using Npgsql;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Deployer.Consumers;

/// <summary>One run of a deploy operation: publishes progress that only ever goes up, also across attempts (a
/// deploy that starts over after its deployer died does not show 0 again), and remembers the image an update
/// replaces.</summary>
public sealed class DeployAttempt(DeployRequested request, OperationRecord record, OperationLog log,
    IPublishEndpoint publish, ILogger logger)
{
    public const string Pulling = "pulling";
    public const string Pulled = "pulled";
    public const string Created = "created";
    public const string Starting = "starting";
    public const string Running = "running";

    private int? _last = record.LastProgress;
    private bool _pulledReported;

    public DeployRequested Request => request;

    /// <summary>The first attempt, or a later one after an interrupted deploy.</summary>
    public int Number => record.Attempts;

    public (string Id, string? Reference)? ReplacedImage { get; private set; } =
        record.ReplacedImageId is { } id ? (id, record.ReplacedImageRef) : null;

    public async Task ReportAsync(int progress, CancellationToken ct, string? stage = null, long? pulledBytes = null,
        long? totalBytes = null)
    {
        if (progress <= _last) return;
        _last = progress;
        await publish.PublishBounded(new DeployProgress(request.OperationId, request.AppId, progress)
        {
            Stage = stage, PulledBytes = pulledBytes, TotalBytes = totalBytes,
        }, ct);
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

    /// <summary>The image is on the engine: said once per attempt with the bytes pulled, even when the progress
    /// value itself was already reported (an image that was there already pulls nothing).</summary>
    public async Task ReportPulledAsync(int progress, long pulledBytes, long totalBytes, CancellationToken ct)
    {
        if (_pulledReported) return;
        _pulledReported = true;
        if (progress > _last)
        {
            await ReportAsync(progress, ct, Pulled, pulledBytes, totalBytes);
            return;
        }
        await publish.PublishBounded(new DeployProgress(request.OperationId, request.AppId, _last ?? progress)
        {
            Stage = Pulled, PulledBytes = pulledBytes, TotalBytes = totalBytes,
        }, ct);
    }

    public async Task RememberReplacedImageAsync(string imageId, string? reference, CancellationToken ct)
    {
        if (ReplacedImage is not null) return;
        await log.RecordReplacedImageAsync(request.OperationId, imageId, reference, ct);
        ReplacedImage = (imageId, reference);
    }
}
