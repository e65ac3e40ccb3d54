using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ExApps.Registry.IntegrationTests;

[Collection(RegistryCollection.Name)]
public sealed class DaemonTests(RegistryHost host)
{
    private Task<HttpResponseMessage> RegisterDocker(string name, string? password = null) =>
        host.Http.PostAsJsonAsync("/admin/daemons", new Dictionary<string, object?>
        {
            ["name"] = name, ["display_name"] = name, ["accepts_deploy_id"] = "docker-install", ["protocol"] = "http",
            ["host"] = "127.0.0.1:2375", ["nextcloud_url"] = "http://nc.local///", ["haproxy_password"] = password,
        });

    [Fact]
    public async Task The_proxy_password_is_encrypted_at_rest_and_masked_in_the_list()
    {
        const string password = "it-haproxy-password-42";
        using var r = await RegisterDocker("it_pw", password);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.DoesNotContain(password, await r.Content.ReadAsStringAsync());

        var stored = await host.ScalarAsync<string>("SELECT haproxy_password_enc FROM registry.daemons WHERE name = 'it_pw'");
        Assert.StartsWith("v1:", stored);
        Assert.DoesNotContain(password, stored);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM registry.daemons WHERE deploy_config::text LIKE $1", $"%{password}%"));
        var list = await host.GetJsonAsync("/admin/daemons");
        var daemon = list.EnumerateArray().Single(d => d.GetProperty("name").GetString() == "it_pw");
        Assert.Equal("***", daemon.GetProperty("deploy_config").GetProperty("haproxy_password").GetString());
        Assert.Equal("http://nc.local", daemon.GetProperty("deploy_config").GetProperty("nextcloud_url").GetString());
    }

    [Fact]
    public async Task Unregister_is_refused_while_apps_use_the_daemon_and_names_their_count()
    {
        await host.RegisterManualDaemonAsync("it_used");
        (await host.RegisterAsync("used-1", "it_used")).EnsureSuccessStatusCode();
        (await host.RegisterAsync("used-2", "it_used")).EnsureSuccessStatusCode();

        using var r = await host.Http.DeleteAsync("/admin/daemons/it_used");

        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        var problem = await r.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("daemon_in_use", problem.GetProperty("error_code").GetString());
        Assert.Equal("it_used daemon contains 2 ExApps, please remove them first to proceed.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Registry_remaps_are_added_replaced_listed_and_removed()
    {
        using (var r = await RegisterDocker("it_reg")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        (await host.Http.PostAsJsonAsync("/admin/daemons/it_reg/registries", new { from = "ghcr.io", to = "localhost:5000" })).EnsureSuccessStatusCode();
        (await host.Http.PostAsJsonAsync("/admin/daemons/it_reg/registries", new { from = "docker.io", to = "local" })).EnsureSuccessStatusCode();
        (await host.Http.PostAsJsonAsync("/admin/daemons/it_reg/registries", new { from = "ghcr.io", to = "mirror.local:5000" })).EnsureSuccessStatusCode();
        using var bad = await host.Http.PostAsJsonAsync("/admin/daemons/it_reg/registries", new { from = "https://ghcr.io", to = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var list = await host.GetJsonAsync("/admin/daemons/it_reg/registries");
        Assert.Equal([("ghcr.io", "mirror.local:5000"), ("docker.io", "local")],
            list.EnumerateArray().Select(e => (e.GetProperty("from").GetString(), e.GetProperty("to").GetString())));

        (await host.Http.DeleteAsync("/admin/daemons/it_reg/registries?from=ghcr.io")).EnsureSuccessStatusCode();
        using var missing = await host.Http.DeleteAsync("/admin/daemons/it_reg/registries?from=ghcr.io");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Single((await host.GetJsonAsync("/admin/daemons/it_reg/registries")).EnumerateArray());
    }

    [Fact]
    public async Task Check_says_clearly_when_no_deployer_answers()
    {
        using (var r = await RegisterDocker("it_check")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        using var check = await host.Http.PostAsync("/admin/daemons/it_check/check", null);

        Assert.Equal(HttpStatusCode.GatewayTimeout, check.StatusCode);
        var problem = await check.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("deployer_timeout", problem.GetProperty("error_code").GetString());
        Assert.Contains("no deployer answered within 2 s", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Check_of_a_manual_install_daemon_is_reachable_without_a_connection()
    {
        await host.RegisterManualDaemonAsync("it_check_manual");

        using var check = await host.Http.PostAsync("/admin/daemons/it_check_manual/check", null);

        var answer = await check.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("reachable").GetBoolean());
        Assert.Contains("manual-install", answer.GetProperty("message").GetString());
    }
}
