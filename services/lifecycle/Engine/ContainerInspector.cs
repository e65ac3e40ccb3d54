using ExApps.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Engine;

/// <summary>Asks a deployer for the state of an app's container (heartbeat and init check it now and then).</summary>
public interface IContainerInspector
{
    /// <summary>Null when no deployer answered in time: the caller simply checks again later.</summary>
    Task<ContainerInspected?> InspectAsync(string appId, DaemonTarget daemon, CancellationToken ct);
}

internal sealed class ContainerInspector(IRequestClient<InspectContainer> client, IOptions<LifecycleOptions> options,
    ILogger<ContainerInspector> logger) : IContainerInspector
{
    private const int LogLines = 20;

    public async Task<ContainerInspected?> InspectAsync(string appId, DaemonTarget daemon, CancellationToken ct)
    {
        try
        {
            var timeout = options.Value.InspectTimeout;
            var response = await client.GetResponse<ContainerInspected>(new InspectContainer(appId, daemon, LogLines),
                ct, RequestTimeout.After(ms: (int)timeout.TotalMilliseconds));
            return response.Message;
        }
        catch (Exception e) when (e is RequestTimeoutException or RequestFaultException)
        {
            logger.LogDebug("Container check of ExApp {AppId} got no answer: {Error}", appId, e.Message);
            return null;
        }
    }
}
