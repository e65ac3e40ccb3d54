using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests.Faults;

/// <summary>Faults during many installs at once, on the real servers: a service killed (kill -9) and restarted,
/// the broker or the database stopped and started, the Docker engine unreachable, a container removed behind the
/// platform's back. Every install must end (enabled, or with an explicit error where the fault makes it
/// impossible); none may be left running. The bounds only end a test that would hang; bench/ measures the times.</summary>
[Collection(FaultCollection.Name)]
public sealed class FaultInjectionTests(FaultFixture platform)
{
    private const int Apps = 20;
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    private Task<Fleet> FleetAsync(int block) =>
        Fleet.StartAsync(platform.FleetPorts + block * 25, Apps, platform.AppPrefix + "f" + block + "-", platform.GatewayUrl);

    [Theory]
    [InlineData("lifecycle", 0)]
    [InlineData("registry", 1)]
    [InlineData("gateway", 2)]
    public async Task A_service_killed_during_concurrent_installs_and_restarted_loses_no_install(string service, int block)
    {
        await EveryInstallEndsEnabledAcrossAsync(block, async () =>
        {
            await platform.Service(service).KillAsync();
            await Task.Delay(500);
            await platform.RestartAsync(service);
        });
    }

    [Fact]
    public async Task An_admin_request_while_the_registry_restarts_waits_for_it_and_past_the_wait_answers_503()
    {
        await platform.EnsureFleetDaemonAsync();
        await using var fleet = await Fleet.StartAsync(platform.FleetPorts + 95, 1, platform.AppPrefix + "rw-", platform.GatewayUrl);
        var port = fleet.Ports.Single();
        try
        {
            await platform.Service("registry").KillAsync();
            var clock = Stopwatch.StartNew();
            var during = platform.AdminAsync(HttpMethod.Post, "/admin/apps",
                new { appid = fleet.AppId(port), daemon = FaultFixture.FleetDaemon, json_info = fleet.JsonInfo(port) });
            await Task.Delay(500);
            Assert.False(during.IsCompleted, "answered while the registry was down");
            await platform.RestartAsync("registry");
            var accepted = await during;
            Assert.True(accepted.Status == HttpStatusCode.Accepted, accepted.Body);
            Assert.True(clock.Elapsed < FaultFixture.AdminRegistryWait, $"held {clock.Elapsed}, longer than the wait");
            var tally = await platform.TallyAsync(fleet, Bound);
            Assert.True(tally.Enabled == 1, tally + "\n" + platform.Logs());

            // Down for longer than the gateway holds a request: 503 naming the registry, nothing changed.
            await platform.Service("registry").KillAsync();
            clock.Restart();
            var refused = await platform.AdminAsync(HttpMethod.Delete, $"/admin/apps/{fleet.AppId(port)}?force=true", null);
            var held = clock.Elapsed;
            await platform.RestartAsync("registry");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
            Assert.Equal("registry_unavailable", refused.Json.GetProperty("error_code").GetString());
            Assert.Equal(TimeSpan.FromSeconds(2), refused.RetryAfter);
            Assert.True(held >= FaultFixture.AdminRegistryWait - TimeSpan.FromMilliseconds(100), $"answered after {held}");
            var app = await platform.GetAppAsync(fleet.AppId(port));
            Assert.True(app.GetProperty("enabled").GetBoolean(), app.ToString());
        }
        finally
        {
            await platform.RemoveAllAsync(fleet);
        }
    }

    [Fact]
    public async Task A_broker_outage_during_concurrent_installs_loses_no_install()
    {
        await EveryInstallEndsEnabledAcrossAsync(3, async () =>
        {
            await platform.Broker.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(5));
            await platform.Broker.StartAgainAsync();
        });
    }

    /// <summary>Registers a fleet of <see cref="Apps"/> at once, injects <paramref name="fault"/> while they install,
    /// and expects every one of them to end enabled.</summary>
    private async Task EveryInstallEndsEnabledAcrossAsync(int block, Func<Task> fault)
    {
        await platform.EnsureFleetDaemonAsync();
        await using var fleet = await FleetAsync(block);
        try
        {
            Assert.All(await platform.RegisterAllAsync(fleet), s => Assert.Equal(HttpStatusCode.Accepted, s));
            await fault();

            var tally = await platform.TallyAsync(fleet, Bound);

            Assert.True(tally.Enabled == Apps, tally + "\n" + platform.Logs());
        }
        finally
        {
            await platform.RemoveAllAsync(fleet);
        }
    }

    [Fact]
    public async Task A_database_outage_answers_503_naming_it_and_every_accepted_install_ends_enabled()
    {
        await platform.EnsureFleetDaemonAsync();
        await using var fleet = await FleetAsync(0);
        var ports = fleet.Ports.ToList();
        try
        {
            var first = ports.Take(Apps / 2).ToList();
            var accepted = await Task.WhenAll(first.Select(p => platform.AdminAsync(HttpMethod.Post, "/admin/apps",
                new { appid = fleet.AppId(p), daemon = FaultFixture.FleetDaemon, json_info = fleet.JsonInfo(p) })));
            Assert.All(accepted, a => Assert.Equal(HttpStatusCode.Accepted, a.Status));

            await platform.DatabaseServer!.StopAsync();
            var during = await platform.AdminAsync(HttpMethod.Post, "/admin/apps",
                new { appid = fleet.AppId(ports[^1]), daemon = FaultFixture.FleetDaemon, json_info = fleet.JsonInfo(ports[^1]) });
            using var health = await platform.Http.GetAsync($"http://127.0.0.1:{new Uri(platform.GatewayUrl).Port + 1}/health");
            await platform.DatabaseServer.StartAgainAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.Status);
            Assert.Equal("database_unavailable", during.Json.GetProperty("error_code").GetString());
            Assert.Equal(TimeSpan.FromSeconds(2), during.RetryAfter);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("postgres", await health.Content.ReadAsStringAsync());
            var tally = await platform.TallyAsync(fleet.Take(first.Count), Bound);
            Assert.True(tally.Enabled == first.Count, tally + "\n" + platform.Logs());
            // nothing of the refused request was stored: it can simply be sent again
            var again = await platform.AdminAsync(HttpMethod.Post, "/admin/apps",
                new { appid = fleet.AppId(ports[^1]), daemon = FaultFixture.FleetDaemon, json_info = fleet.JsonInfo(ports[^1]) });
            Assert.Equal(HttpStatusCode.Accepted, again.Status);
        }
        finally
        {
            await platform.RemoveAllAsync(fleet);
        }
    }

    [Fact]
    public async Task A_step_answer_that_arrives_while_the_database_restarts_is_applied_once_it_is_back()
    {
        // Every app's PUT /enabled is held by the ExApp until the database is away; the answers then arrive while
        // it stays away (8 s), longer than a few quick retries. They must be applied once it is back, not when the
        // step's lease ends (70 s after the call, by default): the bound below is half of that.
        await platform.EnsureFleetDaemonAsync();
        await using var fleet = await Fleet.StartAsync(platform.FleetPorts + 4 * 25, 5, platform.AppPrefix + "fdb-",
            platform.GatewayUrl, new Dictionary<string, string> { ["TEST_FLEET_HOLD_ENABLED"] = "1" });
        try
        {
            Assert.All(await platform.RegisterAllAsync(fleet), s => Assert.Equal(HttpStatusCode.Accepted, s));
            await platform.WaitForAppsAsync(fleet.Ports.Select(fleet.AppId).ToList(),
                a => a.GetProperty("current_operation") is { ValueKind: JsonValueKind.Object } op
                     && op.GetProperty("step").GetString() == "enabling", Bound);

            await platform.DatabaseServer!.StopAsync();
            using (var released = await platform.Http.PostAsync($"http://127.0.0.1:{fleet.Ports.First()}/test/release-enabled", null))
                released.EnsureSuccessStatusCode();
            await Task.Delay(TimeSpan.FromSeconds(8));
            await platform.DatabaseServer.StartAgainAsync();

            var tally = await platform.TallyAsync(fleet, TimeSpan.FromSeconds(35));
            Assert.True(tally.Enabled == fleet.Ports.Count(), tally + "\n" + platform.Logs());
        }
        finally
        {
            await platform.RemoveAllAsync(fleet);
        }
    }

    [Fact]
    public async Task An_unreachable_Docker_engine_ends_the_deploy_with_a_clear_error_and_leaves_nothing_behind()
    {
        await using var forward = SocketForward.Start(TestSettings.DockerSocket);
        var daemon = "ft_forwarded";
        await platform.Cli("daemon:register", daemon, "Forwarded Docker", "docker-install", "http", $"127.0.0.1:{forward.Port}",
            platform.GatewayUrl, "--net", "host");
        var appId = platform.AppPrefix + "engine";
        forward.Cut();
        try
        {
            var reg = await platform.Cli("app:register", appId, daemon, "--info-xml", TestApps.InfoXmlFor(appId), "--wait-finish");

            Assert.Equal(1, reg.ExitCode);
            var app = await platform.GetAppAsync(appId);
            Assert.Equal("failed", app.GetProperty("last_operation").GetProperty("outcome").GetString());
            Assert.Contains("127.0.0.1:" + forward.Port, app.GetProperty("status").GetProperty("error").GetString());
            Assert.Null(await Docker.InspectContainerAsync("nc_app_" + appId));

            forward.Restore();
            var retry = await platform.Cli("app:update", appId, "--info-xml", TestApps.InfoXmlFor(appId), "--wait-finish");
            // Same version: "already updated" (exit 0, as AppAPI); the app stays failed, nothing half-made.
            Assert.True(retry.ExitCode == 0 && retry.StdOut.Contains("already updated"), retry.ToString());
            Assert.Equal("failed", (await platform.GetAppAsync(appId)).GetProperty("last_operation").GetProperty("outcome").GetString());
            Assert.Null(await Docker.InspectContainerAsync("nc_app_" + appId));
        }
        finally
        {
            forward.Restore();
            await platform.Cli("app:unregister", appId, "--force", "--rm-data");
            await platform.Cli("daemon:unregister", daemon);
        }
        Assert.Null(await Docker.InspectContainerAsync("nc_app_" + appId));
    }

    [Fact]
    public async Task A_container_removed_behind_the_platforms_back_shows_missing_and_auto_recover_redeploys_it()
    {
        var daemon = "ft_docker";
        await platform.Cli("daemon:register", daemon, "Fault Docker", "docker-install", "http", TestSettings.DockerSocket,
            platform.GatewayUrl, "--net", "host", "--auto-recover", "redeploy");
        var appId = platform.AppPrefix + "vanish";
        try
        {
            var reg = await platform.Cli("app:register", appId, daemon, "--info-xml", TestApps.InfoXmlFor(appId), "--wait-finish");
            Assert.True(reg.ExitCode == 0, reg + "\n" + platform.Logs());
            var before = (await Docker.InspectContainerAsync("nc_app_" + appId))!.Value.GetProperty("Id").GetString();

            await Docker.RemoveContainerAsync("nc_app_" + appId);

            var recovered = await platform.WaitForAppsAsync([appId], a =>
                a.GetProperty("last_operation") is { ValueKind: JsonValueKind.Object } l && l.GetProperty("kind").GetString() == "recover"
                && a.GetProperty("operation").ValueKind == JsonValueKind.Null, Bound);
            var app = recovered[appId];
            Assert.Equal("enabled", app.GetProperty("last_operation").GetProperty("outcome").GetString());
            Assert.Equal("ok", app.GetProperty("health").GetProperty("state").GetString());
            var after = await Docker.InspectContainerAsync("nc_app_" + appId);
            Assert.NotEqual(before, after!.Value.GetProperty("Id").GetString());
            Assert.Equal("running", after.Value.GetProperty("State").GetProperty("Status").GetString());
            // the recovery is counted where operators scrape (the exporter may answer from its short cache at first)
            var pattern = $"exapps_app_recoveries_total{{[^}}]*app_id=\"{appId}\"[^}}]*mode=\"redeploy\"";
            var metrics = "";
            for (var i = 0; i < 50 && !System.Text.RegularExpressions.Regex.IsMatch(metrics, pattern); i++)
            {
                if (i > 0) await Task.Delay(200);
                metrics = await platform.Http.GetStringAsync($"http://127.0.0.1:{platform.LifecyclePort}/metrics");
            }
            Assert.Matches(pattern, metrics);
        }
        finally
        {
            await platform.Cli("app:unregister", appId, "--force", "--rm-data");
        }
    }
}
