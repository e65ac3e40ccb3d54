using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExApps.Contracts;

namespace ExApps.Registry.IntegrationTests;

/// <summary>Registrations in the real registry and database: each change is announced on the bus, a top menu
/// entry takes its assets along, a Talk bot keeps its secret (encrypted) in the app's config, and removing the app
/// removes every registration and bot secret of it.</summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistrationStoreTests(RegistryHost host)
{
    private Task<HttpResponseMessage> Post(string path, object body) => host.Http.PostAsJsonAsync(path, body);

    [Fact]
    public async Task Registrations_are_announced_cascade_from_their_top_menu_and_go_with_the_app()
    {
        const string appId = "regs";
        await host.RegisterManualDaemonAsync("it_regs");
        using (var reg = await host.RegisterAsync(appId, "it_regs"))
            Assert.Equal(HttpStatusCode.Accepted, reg.StatusCode);
        var install = await RegistryHost.WaitForAsync(host.Installs, i => i.App.AppId == appId);

        using (var menu = await Post($"/internal/apps/{appId}/registrations/top_menu",
                   new { key = new[] { "menu" }, data = new { name = "menu", display_name = "Menu", icon = "", admin_required = 0 } }))
            Assert.Equal(HttpStatusCode.OK, menu.StatusCode);
        var saved = await RegistryHost.WaitForAsync(host.RegistrationsSaved, s => s.AppId == appId && s.Kind == "top_menu");
        Assert.Equal(["menu"], saved.Key);
        Assert.Equal("Menu", JsonDocument.Parse(saved.Data).RootElement.GetProperty("display_name").GetString());
        using (var script = await Post($"/internal/apps/{appId}/registrations/script",
                   new { key = new[] { "top_menu", "menu", "js/app" }, data = new { type = "top_menu", name = "menu", path = "js/app", after_app_id = "" } }))
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        using (var badKey = await Post($"/internal/apps/{appId}/registrations/script", new { key = new[] { "top_menu" }, data = new { } }))
            Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);

        using (var removed = await Post($"/internal/apps/{appId}/registrations/top_menu/delete", new { key = new[] { "menu" } }))
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        await RegistryHost.WaitForAsync(host.RegistrationsRemoved, r => r.AppId == appId && r.Kind == "top_menu");
        await RegistryHost.WaitForAsync(host.RegistrationsRemoved, r => r.AppId == appId && r.Kind == "script");
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM registry.app_registrations WHERE appid = $1", appId));

        using var bot = await Post($"/internal/apps/{appId}/talk-bots", new { route = "bots/x", name = "Bot", description = "d", url = "http://nc/x" });
        var keys = await bot.Content.ReadFromJsonAsync<JsonElement>();
        var secret = keys.GetProperty("secret").GetString()!;
        var stored = await host.ScalarAsync<string>("SELECT configvalue FROM registry.app_config WHERE appid = $1 AND configkey = $2",
            appId, keys.GetProperty("id").GetString()!);
        Assert.NotNull(stored);
        Assert.DoesNotContain(secret, stored);
        using var again = await Post($"/internal/apps/{appId}/talk-bots", new { route = "bots/x", name = "Bot 2", description = "d", url = "http://nc/x" });
        Assert.Equal(secret, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString());

        await host.Bus.Publish(RegistryHost.Snapshot(appId, install.RegistrationId, 50, Guid.NewGuid(), "unregister", outcome: "removed", removed: true));
        await RegistryHost.WaitForAsync(host.Unregistered, u => u.AppId == appId);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM registry.app_registrations WHERE appid = $1", appId));
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM registry.app_config WHERE appid = $1", appId));
    }
}
