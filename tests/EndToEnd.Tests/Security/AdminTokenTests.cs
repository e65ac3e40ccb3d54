using System.Net;

namespace ExApps.EndToEnd.Tests.Security;

/// <summary>The admin token: wrong tokens are throttled at the gateway and logged (never the token) at both
/// services; the registry never locks the gateway out; without Admin:Token both services share a generated token
/// in a file that ./appapi reads.</summary>
[Collection(SecurityCollection.Name)]
public sealed class AdminTokenTests(SecurityFixture fx)
{
    private static HttpRequestMessage Get(string url, string token)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, url);
        req.Headers.Authorization = new("Bearer", token);
        return req;
    }

    [Fact]
    public async Task Wrong_admin_tokens_are_throttled_per_address_and_logged_without_the_token()
    {
        using var attacker = GatewayHttp.From("127.0.0.61");
        var marker = "wrong-token-" + Guid.NewGuid().ToString("N");
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var r = await attacker.SendAsync(Get($"{fx.Url}/admin/apps", $"{marker}-{i}"));
            return r.StatusCode;
        }));
        foreach (var a in answers) fx.Ledger.Record("admin token", "parallel wrong token (gateway)", (int)a, false);
        Assert.True(answers.Count(a => a == HttpStatusCode.Unauthorized) <= SecurityFixture.MaxFailures,
            string.Join(",", answers.GroupBy(a => a).Select(g => $"{g.Key}:{g.Count()}")));
        Assert.Contains(HttpStatusCode.TooManyRequests, answers);

        using var admin = GatewayHttp.From("127.0.0.62");
        using var ok = await admin.SendAsync(Get($"{fx.Url}/admin/apps", PlatformFixture.AdminToken));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var log = await File.ReadAllTextAsync(fx.Service("gateway-sec").LogPath);
        Assert.Contains("Admin token rejected for GET /admin/apps from 127.0.0.61", log);
        Assert.DoesNotContain(marker, log);
    }

    [Fact]
    public async Task The_registry_logs_wrong_tokens_but_never_refuses_the_right_one()
    {
        var registry = fx.RegistryUrl;
        using var local = GatewayHttp.From("127.0.0.1");
        var marker = "wrong-registry-token-" + Guid.NewGuid().ToString("N");
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 15; i++)
        {
            using var r = await local.SendAsync(Get($"{registry}/internal/apps/{fx.AppId}/auth", marker));
            answers.Add(r.StatusCode);
            fx.Ledger.Record("admin token", "wrong token (registry)", (int)r.StatusCode, false);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, answers[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        using var right = await local.SendAsync(Get($"{registry}/admin/apps", PlatformFixture.AdminToken));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        // The gateways (also on 127.0.0.1) still get through.
        using var viaGateway = await local.SendAsync(GatewayHttp.ExApp(HttpMethod.Get,
            $"{fx.Url}/ocs/v2.php/apps/app_api/ex-app/state?format=json", fx.AppId, SecurityFixture.Secret));
        Assert.Equal(HttpStatusCode.OK, viaGateway.StatusCode);

        var log = await File.ReadAllTextAsync(fx.Service("registry").LogPath);
        Assert.Contains("Admin token rejected for GET /internal/apps/", log);
        Assert.DoesNotContain(marker, log);
    }

    [Fact]
    public async Task Without_a_configured_token_the_services_share_a_generated_one_that_the_cli_reads()
    {
        var dir = Path.Combine(Path.GetTempPath(), "exapps-sec-token-" + Guid.NewGuid().ToString("N"));
        var file = Path.Combine(dir, "admin.token");
        var registryPort = fx.GatewayPort + 20;
        var gatewayPort = fx.GatewayPort + 21;
        Dictionary<string, string> Own() => new()
        {
            ["Admin__Token"] = "", ["Admin__TokenFile"] = file,
            ["Registry__EncryptionKeyFile"] = Path.Combine(dir, "registry.key"),
            ["Gateway__RegistryUrl"] = $"http://127.0.0.1:{registryPort}",
        };
        var registry = await fx.StartExtraAsync("registry-generated-token", "registry", "ExApps.Registry", registryPort, Own());
        var gateway = await fx.StartExtraAsync("gateway-generated-token", "gateway", "ExApps.Gateway", gatewayPort, Own());
        try
        {
            var token = (await File.ReadAllTextAsync(file)).Trim();
            Assert.Equal(43, token.Length); // 32 random bytes, base64url
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

            using var http = new HttpClient();
            using var ok = await http.SendAsync(Get($"http://127.0.0.1:{gatewayPort}/admin/daemons", token));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // the gateway's token is the registry's
            using var old = await http.SendAsync(Get($"http://127.0.0.1:{gatewayPort}/admin/daemons", "dev-admin-token"));
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);

            var cli = await ProcessRunner.RunAsync("bash", ["appapi", "daemon:list"], new Dictionary<string, string>
            {
                ["APPAPI_URL"] = $"http://127.0.0.1:{gatewayPort}", ["APPAPI_TOKEN_FILE"] = file, ["APPAPI_TOKEN"] = "",
            });
            Assert.True(cli.ExitCode == 0, cli.ToString());
            var script = await ProcessRunner.RunAsync("bash", ["scripts/admin-token.sh"], new Dictionary<string, string> { ["EXAPPS_ADMIN_TOKEN_FILE"] = file });
            Assert.Equal(token, script.StdOut.Trim());

            var logs = await File.ReadAllTextAsync(registry.LogPath) + await File.ReadAllTextAsync(gateway.LogPath);
            Assert.Contains(file, logs);
            Assert.Contains("scripts/admin-token.sh", logs);
            Assert.DoesNotContain(token, logs);
        }
        finally
        {
            await gateway.KillAsync();
            await registry.KillAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
