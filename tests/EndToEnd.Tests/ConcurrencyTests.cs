using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>Many operations at once, as an operator at scale runs them: every one ends, none is left stuck.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ConcurrencyTests(PlatformFixture platform)
{
    private const string FleetDaemon = "e2e_fleet";
    private const int Apps = 100;

    [Fact]
    public async Task A_hundred_concurrent_manual_installs_whose_ExApps_report_at_once_all_end_enabled()
    {
        await platform.Cli("daemon:register", FleetDaemon, "E2E fleet", "manual-install", "http", "127.0.0.1", platform.GatewayUrl);
        await using var fleet = await Fleet.StartAsync(platform.FleetPorts, Apps,
            platform.AppPrefix + "f", platform.GatewayUrl);

        var registered = await Task.WhenAll(fleet.Ports.Select(p => platform.AdminAsync(HttpMethod.Post, "/admin/apps",
            new { appid = fleet.AppId(p), daemon = FleetDaemon, json_info = fleet.JsonInfo(p) })));
        Assert.All(registered, r => Assert.Equal(HttpStatusCode.Accepted, r.Status));

        var ids = fleet.Ports.Select(fleet.AppId).ToHashSet();
        var ended = await platform.WaitForAppsAsync(ids, app => app.GetProperty("operation").ValueKind == JsonValueKind.Null
            && app.GetProperty("last_operation").ValueKind == JsonValueKind.Object, TimeSpan.FromMinutes(3));
        foreach (var app in ended.Values)
        {
            var id = app.GetProperty("appid").GetString();
            Assert.True(app.GetProperty("last_operation").GetProperty("outcome").GetString() == "enabled", $"{id}: {app}");
            Assert.True(app.GetProperty("enabled").GetBoolean(), $"{id}: {app}");
            var status = app.GetProperty("status");
            Assert.Equal((100, 100, "", ""), (status.GetProperty("deploy").GetInt32(), status.GetProperty("init").GetInt32(),
                status.GetProperty("action").GetString(), status.GetProperty("error").GetString()));
        }
        foreach (var port in fleet.Ports)
        {
            var state = await Fleet.StateAsync(platform.Http, port);
            Assert.Equal((1, 0), (state.GetProperty("init_calls").GetInt32(), state.GetProperty("header_failures").GetInt32()));
            Assert.Equal([1], state.GetProperty("enabled_calls").EnumerateArray().Select(e => e.GetInt32()));
            Assert.All(state.GetProperty("progress_reports").EnumerateArray(), r => Assert.Equal(200, r.GetProperty("http_status").GetInt32()));
        }
        var ports = ended.Values.Select(a => a.GetProperty("port").GetInt32()).ToList();
        Assert.Equal(Apps, ports.Distinct().Count());

        var removed = await Task.WhenAll(ids.Select(id => platform.AdminAsync(HttpMethod.Delete, $"/admin/apps/{id}", null)));
        Assert.All(removed, r => Assert.True(r.Status == HttpStatusCode.OK, r.Body));
        var left = (await platform.AdminAsync(HttpMethod.Get, "/admin/apps", null)).Json.EnumerateArray()
            .Count(a => ids.Contains(a.GetProperty("appid").GetString()!));
        Assert.Equal(0, left);
    }

    [Fact]
    public async Task An_ExApp_calling_the_platform_from_its_enabled_handler_is_accepted_on_install_and_on_re_enable()
    {
        await platform.Cli("daemon:register", FleetDaemon, "E2E fleet", "manual-install", "http", "127.0.0.1", platform.GatewayUrl);
        var appId = platform.AppPrefix + "calls";
        const string secret = "e2e-calls-secret-0123456789";
        var port = platform.FleetPorts + 150;
        using var exApp = TestApps.StartProcess(appId, secret, port, platform.GatewayUrl,
            new Dictionary<string, string> { ["TEST_ENABLE_MODE"] = "calls", ["TEST_INIT_MODE"] = "none" });
        try
        {
            var json = JsonSerializer.Serialize(new { id = appId, name = "Calls", version = "1.0.0", secret, port });
            var reg = await platform.Cli("app:register", appId, FleetDaemon, "--json-info", json, "--wait-finish");
            Assert.True(reg.ExitCode == 0, reg + "\n" + platform.Logs());
            Assert.Equal(0, (await platform.Cli("app:disable", appId)).ExitCode);

            var enable = await platform.Cli("app:enable", appId);
            Assert.True(enable.ExitCode == 0, enable.ToString());
            var app = await platform.WaitForAppsAsync([appId], a => a.GetProperty("operation").ValueKind == JsonValueKind.Null,
                TimeSpan.FromMinutes(1));

            Assert.True(app[appId].GetProperty("enabled").GetBoolean(), app[appId].ToString());
            var calls = (await TestApps.StateAsync(platform.Http, port)).GetProperty("enabled_handler_calls")
                .EnumerateArray().Select(c => c.GetString()!).ToList();
            Assert.Equal(6, calls.Count); // three calls on install, three on re-enable
            Assert.All(calls, c => Assert.EndsWith(" 200", c));
        }
        finally
        {
            exApp.Kill();
            await platform.Cli("app:unregister", appId, "--force");
        }
    }
}
