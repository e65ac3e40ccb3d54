using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace ExApps.Gateway.Admin;

/// <summary>YARP routes of the gateway: the admin API goes to the registry.</summary>
public static class AdminProxyConfig
{
    public static IReverseProxyBuilder AddAdminProxy(this IServiceCollection services)
    {
        var builder = services.AddReverseProxy();
        services.AddSingleton<IProxyConfigProvider>(sp => new InMemoryConfigProvider(
            [
                new RouteConfig
                {
                    RouteId = "admin",
                    ClusterId = "registry",
                    Match = new RouteMatch { Path = "/admin/{**rest}" },
                },
            ],
            [
                new ClusterConfig
                {
                    ClusterId = "registry",
                    Destinations = new Dictionary<string, DestinationConfig>
                    {
                        ["registry"] = new() { Address = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.RegistryUrl },
                    },
                    HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(2) },
                },
            ]));
        return builder;
    }
}
