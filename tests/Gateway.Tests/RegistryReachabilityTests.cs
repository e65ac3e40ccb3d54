using System.Net;
using System.Net.Sockets;
using ExApps.Gateway.Proxy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Tests;

/// <summary>How admin requests wait for a registry that refuses connections (Proxy/RegistryReachability.cs), against
/// a real socket: nothing listening, then a listener on the same port.</summary>
public sealed class RegistryReachabilityTests
{
    private static (RegistryReachability Registry, int Port) OnFreePort()
    {
        var port = LoopbackPort.Free();
        var options = Options.Create(new GatewayOptions { RegistryUrl = $"http://127.0.0.1:{port}" });
        return (new RegistryReachability(options, NullLogger<RegistryReachability>.Instance), port);
    }

    [Fact]
    public async Task Requests_pass_at_once_until_a_refusal_then_wait_until_the_registry_listens_again()
    {
        var (registry, port) = OnFreePort();
        using var _ = registry;
        Assert.True(await registry.WaitAsync(TimeSpan.Zero, CancellationToken.None));

        registry.Refused();
        Assert.True(registry.Refusing);
        Assert.False(await registry.WaitAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.False(await registry.WaitAsync(TimeSpan.Zero, CancellationToken.None));

        var waiting = registry.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        try
        {
            Assert.True(await waiting);
            Assert.False(registry.Refusing);
        }
        finally { listener.Stop(); }
    }

    [Fact]
    public async Task A_waiting_request_whose_client_went_away_stops_waiting()
    {
        var (registry, _) = OnFreePort();
        using var __ = registry;
        registry.Refused();
        using var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => registry.WaitAsync(TimeSpan.FromMinutes(1), gone.Token));
    }
}
