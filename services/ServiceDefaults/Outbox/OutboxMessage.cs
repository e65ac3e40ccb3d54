namespace ExApps.ServiceDefaults.Outbox;

/// <summary>A message to publish once the transaction that wrote it commits.</summary>
/// <param name="Message">A contract message (the contracts assembly only: its type name is stored).</param>
/// <param name="Mandatory">A command some service must consume: while no queue is bound to it (that service never
/// started on this broker) it stays in the outbox and is tried again, instead of being dropped by RabbitMQ.</param>
/// <param name="CoalesceKey">Messages with the same key replace each other while they wait: only the latest is
/// published (for snapshots, where a later one makes the earlier ones pointless).</param>
/// <param name="StickyFlag">With <paramref name="CoalesceKey"/>: a boolean property that stays true when a waiting
/// message that had it true is replaced by one that has it false.</param>
public sealed record OutboxMessage(object Message, bool Mandatory = false, string? CoalesceKey = null,
    string? StickyFlag = null)
{
    public static OutboxMessage Command(object message) => new(message, Mandatory: true);

    public static OutboxMessage Event(object message) => new(message);
}
