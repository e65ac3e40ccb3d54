using System.Collections.Concurrent;
using ExApps.Contracts;

namespace ExApps.Deployer.Watch;

/// <summary>The Docker daemons this deployer has been asked to work on (every command names its daemon, and the
/// lifecycle checks each enabled app's container every half minute), so their events can be followed. Kept in
/// memory only: a restarted deployer learns them again from the next commands, without storing any credentials.</summary>
public sealed class KnownDaemons
{
    private readonly ConcurrentDictionary<string, DaemonTarget> _daemons = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Remember(DaemonTarget daemon)
    {
        if (daemon.AcceptsDeployId != AppApiProtocol.DockerInstall) return;
        var isNew = !_daemons.ContainsKey(daemon.Name);
        _daemons[daemon.Name] = daemon;
        if (isNew) Interlocked.Exchange(ref _added, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Completes once a daemon not known before is remembered after this was read: its events are then
    /// followed at once, before the container the command is about starts (the lifecycle acts on a crash while an app
    /// starts up through these events).</summary>
    public Task Added => Volatile.Read(ref _added).Task;

    public IReadOnlyCollection<DaemonTarget> All => _daemons.Values.ToList();
}
