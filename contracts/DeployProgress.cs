namespace ExApps.Contracts;

/// <summary>Deploy progress 0..100 of an operation, from the deployer; the lifecycle turns it into the status
/// object's <c>deploy</c> (docs/protocol.md, "Status object"). <see cref="Stage"/> names what the deployer is at
/// (<c>pulling</c>, <c>pulled</c>, <c>created</c>, <c>starting</c>, <c>running</c>) and, while pulling, the bytes
/// of the image's new layers downloaded so far and in all (0 of 0 when every layer was already there); the
/// registry shows them live and in the app's timeline.</summary>
public sealed record DeployProgress(Guid OperationId, string AppId, int Progress)
{
    public string? Stage { get; init; }
    public long? PulledBytes { get; init; }
    public long? TotalBytes { get; init; }
}
