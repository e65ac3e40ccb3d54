using ExApps.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Flow;

/// <summary>Starts and stops an app's container through the deployer (<see cref="StartContainer"/>,
/// <see cref="StopContainer"/> requests). A failure comes back as a readable reason, never as an exception, so the
/// caller can record it; only the caller's cancellation throws.</summary>
public sealed class ContainerControl(IBus bus, IOptions<LifecycleOptions> options)
{
    /// <summary>Manual installs (no daemon, or a manual-install daemon) have no container of ours.</summary>
    public static bool HasContainer(DaemonTarget? daemon) =>
        daemon is { AcceptsDeployId: AppApiProtocol.DockerInstall };

    /// <summary>Null when the container runs (and is healthy).</summary>
    public Task<string?> StartAsync(string appId, DaemonTarget daemon, CancellationToken ct) =>
        RequestAsync<StartContainer, ContainerRunning>(new StartContainer(appId, daemon),
            options.Value.ContainerStartTimeout, $"Failed to start the container of ExApp {appId}", ct);

    /// <summary>Null when the container is stopped (or was not running).</summary>
    public Task<string?> StopAsync(string appId, DaemonTarget daemon, CancellationToken ct) =>
        RequestAsync<StopContainer, ContainerStopped>(new StopContainer(appId, daemon),
            options.Value.ContainerStopTimeout, $"Failed to stop the container of ExApp {appId}", ct);

    private async Task<string?> RequestAsync<TRequest, TResponse>(TRequest request, TimeSpan timeout, string failure,
        CancellationToken ct)
        where TRequest : class
        where TResponse : class
    {
        try
        {
            var client = bus.CreateRequestClient<TRequest>(RequestTimeout.After(ms: (int)timeout.TotalMilliseconds));
            await client.GetResponse<TResponse>(request, ct);
            return null;
        }
        catch (RequestFaultException e)
        {
            var reason = e.Fault?.Exceptions.FirstOrDefault()?.Message ?? e.Message;
            return $"{failure}: {reason}";
        }
        catch (RequestTimeoutException)
        {
            return $"{failure}: the deployer did not answer within {timeout.TotalSeconds:0} s";
        }
    }
}
