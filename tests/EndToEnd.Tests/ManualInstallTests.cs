using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

[Collection(PlatformCollection.Name)]
public sealed class ManualInstallTests(PlatformFixture platform)
{
    private const string ManualDaemon = "e2e_manual";
    private const string Secret = "e2e-manual-secret-0123456789";

    private async Task EnsureManualDaemonAsync()
    {
        var r = await platform.Cli("daemon:register", ManualDaemon, "E2E Manual", "manual-install", "http", "127.0.0.1",
            platform.GatewayUrl);
        Assert.True(r.ExitCode == 0, r.ToString());
    }


    [Fact]
    public async Task Manual_install_of_a_running_exapp_reaches_enabled()
    {
        await EnsureManualDaemonAsync();
        var appId = platform.AppPrefix + "manual";
        var port = GatewayFixture.FreePort();
        using var exApp = TestApps.StartProcess(appId, Secret, port, platform.GatewayUrl);
        try
        {
            var json = JsonSerializer.Serialize(new { id = appId, name = "Manual E2E", version = "1.0.0", secret = Secret, port });
            var reg = await platform.Cli("app:register", appId, ManualDaemon, "--json-info", json, "--wait-finish");
            Assert.True(reg.ExitCode == 0, reg + "\n" + platform.Logs());

            var app = await platform.GetAppAsync(appId);
            Assert.True(app.GetProperty("enabled").GetBoolean());
            Assert.Equal(port, app.GetProperty("port").GetInt32());
            var state = await TestApps.StateAsync(platform.Http, port);
            Assert.Equal(0, state.GetProperty("header_failures").GetInt32());
            Assert.Equal([1], state.GetProperty("enabled_calls").EnumerateArray().Select(x => x.GetInt32()));

            var unreg = await platform.Cli("app:unregister", appId);
            Assert.True(unreg.ExitCode == 0, unreg.ToString());
        }
        finally
        {
            exApp.Kill(entireProcessTree: true);
        }
    }

    [Theory]
    [InlineData("v1", false)]
    [InlineData("v2", false)]
    [InlineData("v1", true)]
    [InlineData("v2", true)]
    public async Task Status_report_with_a_wrong_secret_gets_401_and_ocs_997(string ocsVersion, bool deprecatedRoute)
    {
        await EnsureManualDaemonAsync();
        var appId = platform.AppPrefix + "auth" + ocsVersion + (deprecatedRoute ? "d" : "");
        var json = JsonSerializer.Serialize(new { id = appId, name = "Auth", version = "1.0.0", secret = Secret, port = GatewayFixture.FreePort() });
        var reg = await platform.Cli("app:register", appId, ManualDaemon, "--json-info", json);
        Assert.True(reg.ExitCode == 0, reg.ToString());
        try
        {
            var url = $"{platform.GatewayUrl}/ocs/{ocsVersion}.php/apps/app_api/"
                + (deprecatedRoute ? $"apps/status/{appId}" : "ex-app/status") + "?format=json";
            var wrong = await PutStatus(url, appId, "not-the-secret", "{\"progress\":10}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
            Assert.Equal(997, wrong.Body.GetProperty("ocs").GetProperty("meta").GetProperty("statuscode").GetInt32());

            // The right secret with an out-of-range progress is authenticated but rejected as a bad request.
            var bad = await PutStatus(url, appId, Secret, "{\"progress\":101}");
            Assert.Equal(ocsVersion == "v1" ? HttpStatusCode.OK : HttpStatusCode.BadRequest, bad.Status);
            Assert.Equal(400, bad.Body.GetProperty("ocs").GetProperty("meta").GetProperty("statuscode").GetInt32());

            var ok = await PutStatus(url, appId, Secret, "{\"progress\":10}");
            Assert.Equal(HttpStatusCode.OK, ok.Status);
            Assert.Equal(ocsVersion == "v1" ? 100 : 200, ok.Body.GetProperty("ocs").GetProperty("meta").GetProperty("statuscode").GetInt32());
        }
        finally
        {
            await platform.Cli("app:unregister", appId, "--force");
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PutStatus(string url, string appId, string secret, string body)
    {
        using var req = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        // Header names as real clients send them, in mixed case.
        req.Headers.TryAddWithoutValidation("Ex-App-Id", appId);
        req.Headers.TryAddWithoutValidation("Ex-App-Version", "1.0.0");
        req.Headers.TryAddWithoutValidation("Authorization-App-Api", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + secret)));
        req.Headers.TryAddWithoutValidation("AA-VERSION", "32.0.0");
        req.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
        using var res = await platform.Http.SendAsync(req);
        return (res.StatusCode, JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
