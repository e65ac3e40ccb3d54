using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace ExApps.Gateway.Proxy;

/// <summary>YARP routes of the gateway: the admin API goes to the registry (after <see cref="Admin.AdminGate"/>),
/// and every Nextcloud core route (<c>/ocs/...</c>, <c>/remote.php/...</c>, <c>/index.php/...</c>) that the gateway
/// does not answer itself goes to the configured Nextcloud, so an ExApp can use the gateway as NEXTCLOUD_URL.
/// The core routes have a high <see cref="RouteConfig.Order"/>: the gateway's own endpoints (OCS routes, the
/// ExApp proxy) always win over them.</summary>
public static class ForwardedRoutes
{
    public const int CatchAllOrder = 1000;

    /// <summary>YARP registers ASP.NET Core data protection, for the session-affinity cookies it can protect. No
    /// route here uses session affinity, and nothing else in the gateway protects data, but data protection's hosted
    /// service loaded its key ring at every start, and on the first start wrote a new, unencrypted key to
    /// <c>~/.aspnet/DataProtection-Keys</c>: about 9 MiB of resident memory (System.Private.Xml, the key manager and their
    /// code) for a key nothing reads (docs/performance.md). Without the hosted service the key ring is loaded only if something
    /// ever asks for a protector.</summary>
    private static void WithoutDataProtectionAtStart(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
            if (services[i].ServiceType == typeof(IHostedService)
                && services[i].ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService")
                services.RemoveAt(i);
    }

    public static IReverseProxyBuilder AddForwardedRoutes(this IServiceCollection services)
    {
        var builder = services.AddReverseProxy();
        WithoutDataProtectionAtStart(services);
        services.AddSingleton<IProxyConfigProvider>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var timeout = new ForwarderRequestConfig { ActivityTimeout = o.Limits.ProxyActivityTimeout };
            var routes = new List<RouteConfig>
            {
                new() { RouteId = "admin", ClusterId = "registry", Match = new RouteMatch { Path = "/admin/{**rest}" } },
            };
            var clusters = new List<ClusterConfig> { Cluster("registry", o.RegistryUrl, timeout) };
            if (o.NextcloudUrl.Length > 0)
            {
                foreach (var root in new[] { "ocs", "remote.php", "index.php" })
                    routes.Add(new RouteConfig
                    {
                        RouteId = "nextcloud-" + root,
                        ClusterId = "nextcloud",
                        Order = CatchAllOrder,
                        Match = new RouteMatch { Path = $"/{root}/{{**rest}}" },
                    });
                clusters.Add(Cluster("nextcloud", o.NextcloudUrl, timeout));
            }
            return new InMemoryConfigProvider(routes, clusters);
        });
        return builder;
    }

    private static ClusterConfig Cluster(string id, string url, ForwarderRequestConfig config) => new()
    {
        ClusterId = id,
        Destinations = new Dictionary<string, DestinationConfig> { [id] = new() { Address = url } },
        HttpRequest = config,
    };
}
