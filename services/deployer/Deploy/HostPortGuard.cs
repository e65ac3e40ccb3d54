using System.Net;
using System.Net.Sockets;
using ExApps.Contracts;
using Microsoft.Extensions.Options;

namespace ExApps.Deployer.Deploy;

/// <summary>An ExApp container on the host network of an engine behind a unix socket listens on this machine's own
/// ports. When something else already answers on the app's port, the container cannot bind it, and the lifecycle
/// would send the app's secret (the init request's AUTHORIZATION-APP-API) to whatever answers there; AppAPI does.
/// So before such a container is started, the port is tried on loopback, and a port that answers fails the deploy
/// or the start with the port named. A deployer in a container of its own network sees its own loopback, where
/// nothing answers: the check then lets everything through, as if it were off
/// (<see cref="DeployerOptions.CheckHostPorts"/>).</summary>
public sealed class HostPortGuard(IOptions<DeployerOptions> options)
{
    private static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(1);

    public static bool Applies(DaemonTarget daemon) =>
        daemon.AcceptsDeployId == AppApiProtocol.DockerInstall
        && daemon.Host.Trim().StartsWith('/')
        && daemon.Net.Trim() == ContainerSpecBuilder.HostNetwork;

    /// <summary>Throws <see cref="DeployException"/> when <paramref name="port"/> answers on loopback. Call it with no
    /// container of the app running (after the old one was removed, or with the stopped one about to start).</summary>
    public async Task EnsureFreeAsync(DaemonTarget daemon, string appId, int port, CancellationToken ct)
    {
        if (!options.Value.CheckHostPorts || !Applies(daemon) || port is < 1 or > IPEndPoint.MaxPort) return;
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            if (await AnswersAsync(address, port, ct))
                throw new DeployException(
                    $"Port {port} of the Docker host is in use: something other than ExApp {appId} answers on " +
                    $"{new IPEndPoint(address, port)}, so the app's container could not listen there. Stop what " +
                    "holds the port, or unregister the app and register it again to get another port.");
        }
    }

    private static async Task<bool> AnswersAsync(IPAddress address, int port, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(ConnectLimit);
        try
        {
            // (created inside: a kernel without IPv6 refuses the socket itself)
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(address, port, limit.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false; // nothing accepted within the limit: not taken as in use
        }
        catch (SocketException)
        {
            return false; // refused, or no such address family here
        }
    }
}
