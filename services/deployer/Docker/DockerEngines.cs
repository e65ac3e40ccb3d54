using System.Collections.Concurrent;
using ExApps.Contracts;
using Microsoft.Extensions.Options;

namespace ExApps.Deployer.Docker;

/// <summary>One <see cref="DockerEngine"/> (connection pool, negotiated API version) per engine address and
/// credentials, for the life of the process. A changed password yields a new client.</summary>
public sealed class DockerEngines(IOptions<DeployerOptions> options, Watch.KnownDaemons? known = null)
    : IDockerEngines, IDisposable
{
    private readonly ConcurrentDictionary<DockerEndpoint, Lazy<DockerEngine>> _engines = new();
    private readonly Lazy<DockerTls> _tls = new(() => DockerTls.From(options.Value));

    public IDockerEngine Get(DaemonTarget daemon)
    {
        known?.Remember(daemon);
        var endpoint = DockerEndpoint.From(daemon);
        // Lazy: GetOrAdd may run the factory twice under a race; only one client may ever be built.
        return _engines.GetOrAdd(endpoint, e => new Lazy<DockerEngine>(() =>
            new DockerEngine(e, options.Value.MaxApiVersion, options.Value.RequestTimeout, _tls.Value))).Value;
    }

    public void Dispose()
    {
        foreach (var engine in _engines.Values.Where(l => l.IsValueCreated))
            engine.Value.Dispose();
        _engines.Clear();
    }
}
