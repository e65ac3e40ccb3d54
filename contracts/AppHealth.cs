namespace ExApps.Contracts;

/// <summary>How an enabled, idle app is doing, as the lifecycle last saw it (the platform keeps watching enabled
/// apps; AppAPI does not). <see cref="State"/>: <c>ok</c>, <c>down</c> (its container is not running, or a manual
/// install does not answer its heartbeat), <c>restarting</c> (its container keeps crashing), <c>missing</c> (its
/// container was removed). <see cref="Restarts"/> counts the crashes seen since it was last enabled.</summary>
public sealed record AppHealth(string State, string Reason, DateTimeOffset Since, int Restarts)
{
    public const string Ok = "ok";
    public const string Down = "down";
    public const string Restarting = "restarting";
    public const string Missing = "missing";
}
