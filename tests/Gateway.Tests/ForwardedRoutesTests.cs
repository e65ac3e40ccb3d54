using ExApps.Gateway.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExApps.Gateway.Tests;

public sealed class ForwardedRoutesTests
{
    private const string DataProtectionAtStart = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>YARP brings data protection along, whose hosted service would load (and first write) a key ring at
    /// every start for session-affinity cookies no route uses.</summary>
    [Fact]
    public void The_reverse_proxy_comes_without_data_protection_loading_a_key_ring_at_start()
    {
        var yarpAlone = new ServiceCollection();
        yarpAlone.AddReverseProxy();
        Assert.Contains(yarpAlone, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == DataProtectionAtStart);

        var gateway = new ServiceCollection();
        gateway.AddForwardedRoutes();
        Assert.DoesNotContain(gateway, d => d.ImplementationType?.FullName == DataProtectionAtStart);
        Assert.Contains(gateway, d => d.ServiceType.FullName == "Microsoft.AspNetCore.DataProtection.IDataProtectionProvider");
    }
}
