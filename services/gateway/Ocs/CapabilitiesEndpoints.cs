using ExApps.Contracts;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Ocs;

/// <summary><c>cloud/capabilities</c>: ExApps read the Nextcloud version and the <c>app_api</c> block on enable.</summary>
public static class CapabilitiesEndpoints
{
    public static IEndpointRouteBuilder MapCapabilities(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ocs/v{ocsVersion:int:range(1,2)}.php/cloud/capabilities", (IOptions<GatewayOptions> options) =>
        {
            var o = options.Value;
            var parts = o.NextcloudVersion.Split('.').Select(x => int.TryParse(x, out var n) ? n : 0).Concat([0, 0, 0]).ToArray();
            return OcsResult.Ok(new Dictionary<string, object>
            {
                ["version"] = new Dictionary<string, object>
                {
                    ["major"] = parts[0], ["minor"] = parts[1], ["micro"] = parts[2],
                    ["string"] = o.NextcloudVersion, ["edition"] = "", ["extendedSupport"] = false,
                },
                ["capabilities"] = new Dictionary<string, object>
                {
                    ["app_api"] = new Dictionary<string, object> { ["loglevel"] = o.ExAppLogLevel, ["version"] = AppApiProtocol.Version },
                },
            });
        });
        return app;
    }
}
