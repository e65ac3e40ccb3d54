using System.Net;
using System.Text.Json;

namespace ExApps.Registry.IntegrationTests;

/// <summary>What the gateway asks the registry about an app before it proxies to it or lets it call.</summary>
[Collection(RegistryCollection.Name)]
public sealed class GatewayLookupTests(RegistryHost host)
{
    private static JsonElement Field(JsonElement obj, string name) =>
        obj.EnumerateObject().First(p => string.Equals(p.Name.Replace("_", ""), name, StringComparison.OrdinalIgnoreCase)).Value;

    [Fact]
    public async Task An_apps_routes_come_with_its_address_on_its_daemon_and_its_secret()
    {
        const string appId = "routes_lookup";
        await host.RegisterManualDaemonAsync("it_routes");
        using (var reg = await host.RegisterAsync(appId, "it_routes", version: "2.3.4"))
            Assert.Equal(HttpStatusCode.Accepted, reg.StatusCode);
        var install = await RegistryHost.WaitForAsync(host.Installs, i => i.App.AppId == appId);

        var view = await host.GetJsonAsync($"/internal/apps/{appId}/routes");
        Assert.Equal(appId, Field(view, "appid").GetString());
        Assert.Equal("2.3.4", Field(view, "version").GetString());
        Assert.False(Field(view, "enabled").GetBoolean());
        Assert.Equal(install.App.ExAppUrl, Field(view, "exappurl").GetString());
        Assert.StartsWith("http://127.0.0.1:", install.App.ExAppUrl); // the manual daemon's host
        Assert.Equal(install.App.Secret.Value, Field(view, "secret").GetString());
        Assert.Equal(0, Field(view, "routes").GetArrayLength());

        using var unknown = await host.Http.GetAsync("/internal/apps/no_such_app/routes");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
