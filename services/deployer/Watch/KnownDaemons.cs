using System.Collections.Concurrent;
using ExApps.Contracts;

namespace ExApps.Deployer.Watch;

/// <summary>The Docker daemons this deployer has been asked to work on (every command names its daemon, and the
/// lifecycle checks each enabled app's container every half minute), so their events can be followed. Kept in
/// memory only: a restarted deployer learns them again from the next commands, without storing any credentials.</summary>
public sealed class KnownDaemons
{
    private readonly ConcurrentDictionary<string, DaemonTarget> _daemons = new();

    public void Remember(DaemonTarget daemon)
    {
        if (daemon.AcceptsDeployId == AppApiProtocol.DockerInstall) _daemons[daemon.Name] = daemon;
    }

    public IReadOnlyCollection<DaemonTarget> All => _daemons.Values.ToList();
}
