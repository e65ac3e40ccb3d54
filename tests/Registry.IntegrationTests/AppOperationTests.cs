using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExApps.Contracts;
using MassTransit;

namespace ExApps.Registry.IntegrationTests;

/// <summary>The registry's side of update, enable, disable and version reports, with the test answering for the
/// lifecycle on the real broker.</summary>
[Collection(RegistryCollection.Name)]
public sealed class AppOperationTests(RegistryHost host)
{
    /// <summary>Registers an app and marks its install finished, as the lifecycle's events would.</summary>
    private async Task<DeployRequested> InstalledAsync(string appId, string daemon, bool enabled)
    {
        await host.RegisterManualDaemonAsync(daemon);
        using var reg = await host.RegisterAsync(appId, daemon, "1.0.0", new() { ["GREETING"] = "hello", ["UNDECLARED"] = "x" },
            [new { source = "/srv/it", target = "/data", mode = "ro" }]);
        Assert.True(reg.StatusCode == HttpStatusCode.Accepted, await reg.Content.ReadAsStringAsync());
        var install = await RegistryHost.WaitForAsync(host.Deploys, d => d.AppId == appId);
        await host.ExecAsync("UPDATE registry.apps SET enabled = $1, operation_kind = NULL, status = jsonb_set(jsonb_set(status, '{init}', '100'), '{deploy}', '100') WHERE appid = $2", enabled, appId);
        return install;
    }

    [Fact]
    public async Task Update_of_an_enabled_app_disables_it_then_redeploys_keeping_port_secret_and_deploy_options()
    {
        var install = await InstalledAsync("upd", "it_upd", enabled: true);

        using var update = await host.Http.PostAsJsonAsync("/admin/apps/upd/update", new { json_info = RegistryHost.JsonInfo("upd", "1.1.0") });
        Assert.True(update.StatusCode == HttpStatusCode.Accepted, await update.Content.ReadAsStringAsync());
        var answer = await update.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("1.0.0", "1.1.0"), (answer.GetProperty("from_version").GetString(), answer.GetProperty("to_version").GetString()));
        var during = await host.GetJsonAsync("/admin/apps/upd");
        Assert.Equal(("update", ""), (during.GetProperty("status").GetProperty("type").GetString(), during.GetProperty("status").GetProperty("error").GetString()));

        var disable = await RegistryHost.WaitForAsync(host.Disables, d => d.App.AppId == "upd");
        Assert.Equal(install.Secret.Value, disable.App.Secret.Value);
        Assert.DoesNotContain(host.Deploys, d => d.AppId == "upd" && d.Kind == "update"); // nothing before Disabled
        await host.Bus.Publish(new Disabled(disable.OperationId, "upd", ""));

        var redeploy = await RegistryHost.WaitForAsync(host.Deploys, d => d.AppId == "upd" && d.Kind == "update");
        Assert.Equal(answer.GetProperty("operation_id").GetGuid(), redeploy.OperationId);
        Assert.Equal("1.1.0", redeploy.Version);
        Assert.Equal(install.Port, redeploy.Port);
        Assert.Equal(install.Secret.Value, redeploy.Secret.Value);
        Assert.Equal([new AppEnvVar("GREETING", "hello")], redeploy.Environment);
        Assert.Equal([new AppMount("/srv/it", "/data", true)], redeploy.Mounts);
        // The registry publishes the deploy just before it commits the new version.
        await RegistryHost.EventuallyAsync(async () =>
            (await host.GetJsonAsync("/admin/apps/upd")).GetProperty("version").GetString() == "1.1.0", "version stored");
        var after = await host.GetJsonAsync("/admin/apps/upd");
        Assert.False(after.GetProperty("enabled").GetBoolean());
        Assert.Equal("update", after.GetProperty("operation").GetString());

        await host.Bus.Publish(new Enabled(redeploy.OperationId, "upd"));
        await RegistryHost.EventuallyAsync(async () =>
            (await host.GetJsonAsync("/admin/apps/upd")).GetProperty("operation").ValueKind == JsonValueKind.Null, "update finished");
    }

    [Fact]
    public async Task Update_to_the_same_version_answers_already_updated_and_publishes_nothing()
    {
        await InstalledAsync("same", "it_same", enabled: true);

        using var update = await host.Http.PostAsJsonAsync("/admin/apps/same/update", new { json_info = RegistryHost.JsonInfo("same", "1.0.0") });

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal("ExApp same is already updated (1.0.0)",
            (await update.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.DoesNotContain(host.Disables, d => d.App.AppId == "same");
    }

    [Fact]
    public async Task Disable_waits_for_the_lifecycle_and_then_enable_starts_an_operation()
    {
        await InstalledAsync("onoff", "it_onoff", enabled: true);

        var disabling = host.Http.PostAsync("/admin/apps/onoff/disable", null);
        var command = await RegistryHost.WaitForAsync(host.Disables, d => d.App.AppId == "onoff");
        Assert.False(disabling.IsCompleted);
        Assert.Null(command.Daemon); // manual install: no container to stop
        await host.Bus.Publish(new Disabled(command.OperationId, "onoff", ""));
        using var disabled = await disabling;
        Assert.Equal("ExApp onoff successfully disabled.", (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.False((await host.GetJsonAsync("/admin/apps/onoff")).GetProperty("enabled").GetBoolean());

        using var again = await host.Http.PostAsync("/admin/apps/onoff/disable", null);
        Assert.Equal("ExApp onoff already disabled.", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());

        using var enable = await host.Http.PostAsync("/admin/apps/onoff/enable", null);
        Assert.Equal(HttpStatusCode.Accepted, enable.StatusCode);
        var op = (await enable.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operation_id").GetGuid();
        var enableCommand = await RegistryHost.WaitForAsync(host.Enables, e => e.App.AppId == "onoff");
        Assert.Equal(op, enableCommand.OperationId);
        await host.Bus.Publish(new Enabled(op, "onoff"));
        await RegistryHost.EventuallyAsync(async () =>
            (await host.GetJsonAsync("/admin/apps/onoff")).GetProperty("enabled").GetBoolean(), "enabled");
    }

    [Fact]
    public async Task A_greater_reported_version_raises_the_stored_one()
    {
        await InstalledAsync("ver", "it_ver", enabled: true);

        await host.Bus.Publish(new AppVersionReported("ver", "1.10.0"));

        await RegistryHost.EventuallyAsync(async () =>
            (await host.GetJsonAsync("/admin/apps/ver")).GetProperty("version").GetString() == "1.10.0", "version raised");
    }

    [Fact]
    public async Task A_deploy_request_the_deployers_could_not_process_fails_the_install_with_the_reason()
    {
        await host.RegisterManualDaemonAsync("it_fault");
        using var reg = await host.RegisterAsync("faulted", "it_fault");
        Assert.True(reg.StatusCode == HttpStatusCode.Accepted, await reg.Content.ReadAsStringAsync());
        var install = await RegistryHost.WaitForAsync(host.Deploys, d => d.AppId == "faulted");

        // What MassTransit publishes when every retry of a consumer failed.
        await host.Bus.Publish<Fault<DeployRequested>>(new
        {
            FaultId = Guid.NewGuid(),
            Timestamp = DateTime.UtcNow,
            Message = install,
            Exceptions = new ExceptionInfo[] { new MassTransit.Events.FaultExceptionInfo(new InvalidOperationException("database is down")) },
        });

        await RegistryHost.EventuallyAsync(async () =>
        {
            var app = await host.GetJsonAsync("/admin/apps/faulted");
            return app.GetProperty("status").GetProperty("error").GetString() == "Deploy failed: database is down"
                && app.GetProperty("operation").ValueKind == JsonValueKind.Null;
        }, "install failed with the fault's reason");
    }
}
