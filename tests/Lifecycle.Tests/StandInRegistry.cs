using System.Collections.Concurrent;
using ExApps.Contracts;
using MassTransit;

namespace ExApps.Lifecycle.Tests;

/// <summary>The registry's side of the snapshots on the in-memory bus: keeps the newest one per app (as the
/// registry's projection does) and confirms each with <see cref="AppChanged"/>, unless told not to.</summary>
public sealed class StandInRegistry
{
    public ConcurrentQueue<AppStatusChanged> Received { get; } = new();

    /// <summary>When false, no snapshot is confirmed (a registry that is down).</summary>
    public bool Confirm { get; set; } = true;

    /// <summary>Confirmations wait this long (a slow registry).</summary>
    public TimeSpan ConfirmDelay { get; set; } = TimeSpan.Zero;

    public ConcurrentQueue<(string AppId, long Seq, DateTimeOffset At)> Confirmed { get; } = new();

    public IReadOnlyList<AppStatusChanged> For(string appId) => Received.Where(s => s.AppId == appId).ToList();

    /// <summary>What the registry would show: the snapshot with the highest sequence of the app's current
    /// registration (the one heard of last).</summary>
    public AppStatusChanged? Latest(string appId)
    {
        var all = For(appId);
        return all.Count == 0 ? null : all.Where(s => s.RegistrationId == all[^1].RegistrationId).MaxBy(s => s.Seq);
    }

    public sealed class SnapshotConsumer(StandInRegistry r) : IConsumer<AppStatusChanged>
    {
        public async Task Consume(ConsumeContext<AppStatusChanged> c)
        {
            r.Received.Enqueue(c.Message);
            if (!r.Confirm) return;
            if (r.ConfirmDelay > TimeSpan.Zero) await Task.Delay(r.ConfirmDelay);
            var held = r.Latest(c.Message.AppId)!.Seq;
            r.Confirmed.Enqueue((c.Message.AppId, held, DateTimeOffset.UtcNow));
            await c.Publish(new AppChanged(c.Message.AppId, held));
        }
    }
}
