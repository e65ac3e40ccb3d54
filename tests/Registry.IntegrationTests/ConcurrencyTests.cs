using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace ExApps.Registry.IntegrationTests;

[Collection(RegistryCollection.Name)]
public sealed class ConcurrencyTests(RegistryHost host)
{
    [Fact]
    public async Task Twenty_parallel_registrations_on_one_daemon_get_twenty_different_ports()
    {
        await host.RegisterManualDaemonAsync("it_ports");
        var ids = Enumerable.Range(0, 20).Select(i => $"ports-{i}").ToList();

        var responses = await Task.WhenAll(ids.Select(id => host.RegisterAsync(id, "it_ports")));

        foreach (var r in responses)
            Assert.True(r.StatusCode == HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        var ports = new List<int>();
        foreach (var r in responses)
            ports.Add(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("port").GetInt32());
        Assert.Equal(20, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 23000, 23999));
        Assert.Equal(20L, await host.ScalarAsync<long>(
            "SELECT count(DISTINCT port) FROM registry.apps WHERE daemon_name = 'it_ports'"));
    }

    [Fact]
    public async Task Thirty_unregisters_waiting_for_the_lifecycle_at_once_leave_the_database_to_other_requests()
    {
        // The registry's connection pool holds 20: a request that waits for the lifecycle's report must hold none.
        await host.RegisterManualDaemonAsync("it_waits");
        var ids = Enumerable.Range(0, 30).Select(i => $"waits-{i}").ToList();
        foreach (var id in ids)
        {
            using var r = await host.RegisterAsync(id, "it_waits");
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        var unregistering = ids.Select(id => host.Http.DeleteAsync($"/admin/apps/{id}")).ToList();
        var commands = new List<ExApps.Contracts.UnregisterApp>();
        foreach (var id in ids) commands.Add(await RegistryHost.WaitForAsync(host.Unregisters, u => u.App.AppId == id));

        // All 30 wait now; the registry still answers, and still writes.
        using (var list = await host.Http.GetAsync("/admin/apps"))
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var other = await host.RegisterAsync("waits-other", "it_waits"))
            Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.All(unregistering, t => Assert.False(t.IsCompleted));

        foreach (var c in commands)
            await host.Bus.Publish(RegistryHost.Snapshot(c.App.AppId, c.RegistrationId, 5, c.OperationId, "unregister",
                outcome: "removed", removed: true));
        foreach (var done in await Task.WhenAll(unregistering))
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM registry.apps WHERE appid LIKE 'waits-%' AND appid <> 'waits-other'"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(24123)] // the app's own port: the second one finds the first on it, and is still told it is registered
    public async Task Two_registrations_of_one_appid_at_once_make_one_app_and_one_already_registered(int? port)
    {
        var daemon = $"it_twice{port}";
        var appId = $"twice{port}";
        await host.RegisterManualDaemonAsync(daemon);
        Task<HttpResponseMessage> Register() => host.Http.PostAsJsonAsync("/admin/apps", new Dictionary<string, object?>
        {
            ["appid"] = appId, ["daemon"] = daemon,
            ["json_info"] = new Dictionary<string, object?> { ["id"] = appId, ["name"] = appId, ["version"] = "1.0.0", ["port"] = port },
        });

        var responses = await Task.WhenAll(Register(), Register());

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        var conflict = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        var problem = JsonDocument.Parse(await conflict.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("already_registered", problem.GetProperty("error_code").GetString());
        Assert.Equal($"ExApp {appId} is already registered.", problem.GetProperty("detail").GetString());
        Assert.Equal(1L, await host.ScalarAsync<long>($"SELECT count(*) FROM registry.apps WHERE appid = '{appId}'"));
    }

    [Fact]
    public async Task A_second_operation_while_the_install_runs_is_refused_with_operation_in_progress()
    {
        await host.RegisterManualDaemonAsync("it_busy");
        using var reg = await host.RegisterAsync("busy", "it_busy");
        Assert.Equal(HttpStatusCode.Accepted, reg.StatusCode);

        using var enable = await host.Http.PostAsync("/admin/apps/busy/enable", null);
        using var update = await host.Http.PostAsJsonAsync("/admin/apps/busy/update",
            new { json_info = RegistryHost.JsonInfo("busy", "2.0.0") });

        foreach (var r in new[] { enable, update })
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            var problem = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("operation_in_progress", problem.GetProperty("error_code").GetString());
            Assert.Contains("install is still running", problem.GetProperty("detail").GetString());
        }
        Assert.Equal("install", (await host.GetJsonAsync("/admin/apps/busy")).GetProperty("operation").GetString());
    }
}
