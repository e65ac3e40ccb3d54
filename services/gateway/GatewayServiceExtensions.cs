using ExApps.Gateway.Admin;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Ocs;
using ExApps.Gateway.Registry;
using ExApps.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway;

public static class GatewayServiceExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.UseDefaultUrl("http://127.0.0.1:8080");
        var s = builder.Services;
        s.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        s.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        s.AddSingleton(TimeProvider.System);
        s.AddHttpClient<RegistryClient>((sp, c) =>
        {
            c.BaseAddress = new Uri(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.RegistryUrl.TrimEnd('/') + "/");
            c.Timeout = TimeSpan.FromSeconds(10);
        });
        s.AddScoped<AppApiAuthenticator>();
        s.AddAdminProxy();
        builder.AddServiceBus();
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseMiddleware<AdminGate>();
        app.MapExAppOcsEndpoints();
        app.MapCapabilities();
        app.MapReverseProxy();
        return app;
    }
}
