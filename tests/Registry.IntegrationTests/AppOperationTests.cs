using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExApps.Contracts;

namespace ExApps.Registry.IntegrationTests;

/// <summary>The registry's side of every operation: it asks the lifecycle (the test plays it on the real broker)
/// and shows what the lifecycle's snapshots say.</summary>
[Collection(RegistryCollection.Name)]
public sealed class AppOperationTests(RegistryHost host)
{
    /// <summary>Registers an app and reports its install finished, as the lifecycle would.</summary>
    private async Task<InstallApp> InstalledAsync(string appId, string daemon, bool enabled = true)
    {
        await host.RegisterManualDaemonAsync(daemon);
        using var reg = await host.RegisterAsync(appId, daemon, "1.0.0", new() { ["GREETING"] = "hello", ["UNDECLARED"] = "x" },
            [new { source = "/srv/it", target = "/data", mode = "ro" }]);
        Assert.True(reg.StatusCode == HttpStatusCode.Accepted, await reg.Content.ReadAsStringAsync());
        var install = await RegistryHost.WaitForAsync(host.Installs, i => i.App.AppId == appId);
        await host.Bus.Publish(RegistryHost.Snapshot(appId, install.RegistrationId, 10, install.OperationId, "install",
            outcome: enabled ? "enabled" : "failed", enabled: enabled, init: 100));
        await RegistryHost.EventuallyAsync(async () =>
            (await host.GetJsonAsync($"/admin/apps/{appId}")).GetProperty("operation").ValueKind == JsonValueKind.Null, "installed");
        return install;
    }

    [Fact]
    public async Task Register_asks_the_lifecycle_to_install_and_shows_its_snapshots_newest_first()
    {
        await host.RegisterManualDaemonAsync("it_inst");
        using var reg = await host.RegisterAsync("inst", "it_inst", "1.0.0", new() { ["GREETING"] = "hello", ["UNDECLARED"] = "x" });
        Assert.Equal(HttpStatusCode.Accepted, reg.StatusCode);
        var accepted = await reg.Content.ReadFromJsonAsync<JsonElement>();
        var install = await RegistryHost.WaitForAsync(host.Installs, i => i.App.AppId == "inst");

        Assert.Equal(accepted.GetProperty("operation_id").GetGuid(), install.OperationId);
        Assert.Equal(accepted.GetProperty("port").GetInt32(), install.App.Port);
        Assert.Equal(128, install.App.Secret.Value.Length);
        Assert.Equal([new AppEnvVar("GREETING", "hello")], install.App.Environment);
        var pending = await host.GetJsonAsync("/admin/apps/inst");
        Assert.Equal(("install", "requested"), (pending.GetProperty("operation").GetString(),
            pending.GetProperty("current_operation").GetProperty("step").GetString()));
        // The request's line of the timeline is written with it (one batch with the row and the command).
        Assert.Equal($"requested|Install requested|{install.OperationId}", await host.ScalarAsync<string>(
            "SELECT string_agg(kind || '|' || message || '|' || operation_id::text, ';') FROM registry.app_events WHERE appid = 'inst'"));

        await host.Bus.Publish(RegistryHost.Snapshot("inst", install.RegistrationId, 3, install.OperationId, "install", step: "initializing", enabled: true, init: 40));
        await RegistryHost.EventuallyAsync(async () =>
            (await host.GetJsonAsync("/admin/apps/inst")).GetProperty("status").GetProperty("init").GetInt32() == 40, "init 40");
        var running = await host.GetJsonAsync("/admin/apps/inst");
        Assert.Equal("initializing", running.GetProperty("current_operation").GetProperty("step").GetString());
        Assert.True(running.GetProperty("enabled").GetBoolean());

        await host.Bus.Publish(RegistryHost.Snapshot("inst", install.RegistrationId, 7, install.OperationId, "install", outcome: "enabled", enabled: true, init: 100));
        await host.Bus.Publish(RegistryHost.Snapshot("inst", install.RegistrationId, 5, install.OperationId, "install", step: "enabling", enabled: true, init: 100));
        await host.Bus.Publish(RegistryHost.Snapshot("inst", Guid.NewGuid(), 99, install.OperationId, "install", outcome: "failed", error: "other registration"));
        await RegistryHost.EventuallyAsync(async () =>
            (await host.GetJsonAsync("/admin/apps/inst")).GetProperty("last_operation").ValueKind == JsonValueKind.Object, "install ended");
        await Task.Delay(500); // the late snapshot and the other registration's have had their chance

        var done = await host.GetJsonAsync("/admin/apps/inst");
        Assert.Equal(JsonValueKind.Null, done.GetProperty("operation").ValueKind);
        Assert.Equal(("enabled", ""), (done.GetProperty("last_operation").GetProperty("outcome").GetString(), done.GetProperty("status").GetProperty("error").GetString()));
        Assert.Equal(7L, await host.ScalarAsync<long>("SELECT status_seq FROM registry.apps WHERE appid = 'inst'"));
        Assert.Contains(host.Changes, c => c.AppId == "inst" && c.Seq == 3); // enabled changed: the gateways are told
    }

    [Fact]
    public async Task A_snapshot_that_asks_for_it_is_confirmed_with_the_sequence_held()
    {
        var install = await InstalledAsync("ack", "it_ack");

        await host.Bus.Publish(RegistryHost.Snapshot("ack", install.RegistrationId, 4, install.OperationId, "install", ack: true));

        var confirmed = await RegistryHost.WaitForAsync(host.Changes, c => c.AppId == "ack" && c.Seq == 10);
        Assert.False(confirmed.CallsExpected); // an old snapshot, not applied: nothing new to load
    }

    [Fact]
    public async Task A_snapshot_that_enables_the_app_for_its_init_tells_the_gateways_to_load_it_now()
    {
        await host.RegisterManualDaemonAsync("it_warm");
        using var reg = await host.RegisterAsync("warm", "it_warm");
        Assert.Equal(HttpStatusCode.Accepted, reg.StatusCode);
        var install = await RegistryHost.WaitForAsync(host.Installs, i => i.App.AppId == "warm");

        await host.Bus.Publish(RegistryHost.Snapshot("warm", install.RegistrationId, 2, install.OperationId, "install", step: "heartbeat"));
        await host.Bus.Publish(RegistryHost.Snapshot("warm", install.RegistrationId, 3, install.OperationId, "install",
            step: "init_visible", enabled: true, ack: true));

        var visible = await RegistryHost.WaitForAsync(host.Changes, c => c.AppId == "warm" && c.Seq == 3);
        Assert.True(visible.CallsExpected); // the ExApp is about to call: gateways load its record ahead
        Assert.DoesNotContain(host.Changes, c => c.AppId == "warm" && c.Seq != 3 && c.CallsExpected);
    }

    [Fact]
    public async Task Update_asks_the_lifecycle_with_the_new_version_keeping_port_secret_and_deploy_options()
    {
        var install = await InstalledAsync("upd", "it_upd");

        using var update = await host.Http.PostAsJsonAsync("/admin/apps/upd/update", new { json_info = RegistryHost.JsonInfo("upd", "1.1.0") });
        Assert.True(update.StatusCode == HttpStatusCode.Accepted, await update.Content.ReadAsStringAsync());
        var answer = await update.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("1.0.0", "1.1.0"), (answer.GetProperty("from_version").GetString(), answer.GetProperty("to_version").GetString()));
        var command = await RegistryHost.WaitForAsync(host.Updates, u => u.App.AppId == "upd");

        Assert.Equal(answer.GetProperty("operation_id").GetGuid(), command.OperationId);
        Assert.Equal((install.App.Port, install.App.Secret.Value, "1.1.0"), (command.App.Port, command.App.Secret.Value, command.App.Version));
        Assert.Equal([new AppEnvVar("GREETING", "hello")], command.App.Environment);
        Assert.Equal([new AppMount("/srv/it", "/data", true)], command.App.Mounts);
        using var again = await host.Http.PostAsJsonAsync("/admin/apps/upd/update", new { json_info = RegistryHost.JsonInfo("upd", "1.2.0") });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("1.0.0", (await host.GetJsonAsync("/admin/apps/upd")).GetProperty("version").GetString());

        await host.Bus.Publish(RegistryHost.Snapshot("upd", install.RegistrationId, 20, command.OperationId, "update", outcome: "enabled", enabled: true, version: "1.1.0", init: 100));
        await RegistryHost.EventuallyAsync(async () =>
            (await host.GetJsonAsync("/admin/apps/upd")).GetProperty("version").GetString() == "1.1.0", "new version shown");
    }

    [Fact]
    public async Task Update_to_the_same_version_answers_already_updated_and_asks_nothing()
    {
        await InstalledAsync("same", "it_same");

        using var update = await host.Http.PostAsJsonAsync("/admin/apps/same/update", new { json_info = RegistryHost.JsonInfo("same", "1.0.0+build.7") });

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal("ExApp same is already updated (1.0.0)",
            (await update.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.DoesNotContain(host.Updates, u => u.App.AppId == "same");
    }

    [Fact]
    public async Task Disable_answers_once_the_lifecycle_reports_it_and_enable_is_accepted_at_once()
    {
        var install = await InstalledAsync("onoff", "it_onoff");

        var disabling = host.Http.PostAsync("/admin/apps/onoff/disable", null);
        var command = await RegistryHost.WaitForAsync(host.Disables, d => d.App.AppId == "onoff");
        await Task.Delay(300);
        Assert.False(disabling.IsCompleted);
        await host.Bus.Publish(RegistryHost.Snapshot("onoff", install.RegistrationId, 11, command.OperationId, "disable", outcome: "disabled"));
        using var disabled = await disabling;
        Assert.Equal("ExApp onoff successfully disabled.", (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.False((await host.GetJsonAsync("/admin/apps/onoff")).GetProperty("enabled").GetBoolean());

        using var again = await host.Http.PostAsync("/admin/apps/onoff/disable", null);
        Assert.Equal("ExApp onoff already disabled.", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());

        using var enable = await host.Http.PostAsync("/admin/apps/onoff/enable", null);
        Assert.Equal(HttpStatusCode.Accepted, enable.StatusCode);
        var op = (await enable.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operation_id").GetGuid();
        Assert.Equal(op, (await RegistryHost.WaitForAsync(host.Enables, e => e.App.AppId == "onoff")).OperationId);
    }

    [Fact]
    public async Task Unregister_answers_once_the_lifecycle_removed_the_app_and_the_records_are_gone()
    {
        var install = await InstalledAsync("bye", "it_bye");

        var unregistering = host.Http.DeleteAsync("/admin/apps/bye?rm_data=true");
        var command = await RegistryHost.WaitForAsync(host.Unregisters, u => u.App.AppId == "bye");
        Assert.True(command.RemoveData);
        await host.Bus.Publish(RegistryHost.Snapshot("bye", install.RegistrationId, 12, command.OperationId, "unregister", outcome: "removed", removed: true));
        using var done = await unregistering;

        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM registry.apps WHERE appid = 'bye'"));
        await RegistryHost.WaitForAsync(host.Unregistered, u => u.AppId == "bye");
    }

    [Fact]
    public async Task A_request_the_lifecycle_refuses_is_answered_with_its_reason_and_the_app_is_free_again()
    {
        var install = await InstalledAsync("refuse", "it_refuse");
        var disabling = host.Http.PostAsync("/admin/apps/refuse/disable", null);
        var command = await RegistryHost.WaitForAsync(host.Disables, d => d.App.AppId == "refuse");

        await host.Bus.Publish(RegistryHost.Snapshot("refuse", install.RegistrationId, 11, command.OperationId, "disable",
            outcome: "refused", enabled: true, error: "ExApp refuse is busy"));
        using var refused = await disabling;

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("ExApp refuse is busy", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Null, (await host.GetJsonAsync("/admin/apps/refuse")).GetProperty("operation").ValueKind);
    }
}
