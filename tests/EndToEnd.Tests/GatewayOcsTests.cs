using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Npgsql;

namespace ExApps.EndToEnd.Tests;

/// <summary>The OCS surface of the gateway against the running platform: AppAPI's authentication matrix and
/// throttling, the config and preference routes, nextcloud_url, capabilities.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayOcsTests(GatewayFixture gw)
{
    private readonly HttpClient _http = GatewayHttp.From("127.0.0.1");
    private string Ocs(string v, string route) => $"{gw.Url}/ocs/{v}.php/apps/app_api/{route}";

    private static async Task<(HttpStatusCode Status, JsonElement Meta, JsonElement Data)> Send(HttpClient http, HttpRequestMessage req)
    {
        using var res = await http.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        var ocs = JsonDocument.Parse(text).RootElement.GetProperty("ocs").Clone();
        return (res.StatusCode, ocs.GetProperty("meta"), ocs.GetProperty("data"));
    }

    private Task<(HttpStatusCode Status, JsonElement Meta, JsonElement Data)> Log(HttpClient http, string? appId, string? secret, string v = "v2") =>
        Send(http, GatewayHttp.ExApp(HttpMethod.Post, Ocs(v, "api/v1/log?format=json"), appId, secret, json: """{"level":1,"message":"hello from gw test"}"""));

    [Fact]
    public async Task AppApi_auth_matrix_answers_like_AppAPI()
    {
        using var http = GatewayHttp.From("127.0.0.11");
        var valid = await Log(http, gw.AppId, GatewayFixture.Secret);
        Assert.Equal(HttpStatusCode.OK, valid.Status);
        Assert.Equal(200, valid.Meta.GetProperty("statuscode").GetInt32());

        var cases = new (string Name, string? AppId, string? Secret)[]
        {
            ("missing auth header", gw.AppId, null),
            ("missing app id", null, GatewayFixture.Secret),
            ("wrong secret", gw.AppId, "not-the-secret"),
            ("unknown app", gw.AppPrefix + "nope", GatewayFixture.Secret),
            ("disabled app", gw.DisabledAppId, GatewayFixture.Secret),
            ("overlong app id", new string('a', 40), GatewayFixture.Secret),
        };
        foreach (var (name, appId, secret) in cases)
        {
            foreach (var v in new[] { "v1", "v2" })
            {
                var r = await Log(http, appId, secret, v);
                Assert.True(r.Status == HttpStatusCode.Unauthorized, $"{name} ({v}): {r.Status}");
                Assert.Equal(997, r.Meta.GetProperty("statuscode").GetInt32());
                Assert.Equal("AppAPI authentication failed", r.Meta.GetProperty("message").GetString());
            }
            // A success clears the failures, so the matrix itself never reaches the throttle limit.
            Assert.Equal(HttpStatusCode.OK, (await Log(http, gw.AppId, GatewayFixture.Secret)).Status);
        }
    }

    [Fact]
    public async Task A_disabled_app_may_read_its_state_and_report_install_progress_only()
    {
        var state = await Send(_http, GatewayHttp.ExApp(HttpMethod.Get, Ocs("v2", "ex-app/state?format=json"), gw.DisabledAppId, GatewayFixture.Secret));
        Assert.Equal(HttpStatusCode.OK, state.Status);
        Assert.Equal(0, state.Data.GetInt32());
        var enabledState = await Send(_http, GatewayHttp.ExApp(HttpMethod.Get, Ocs("v1", "ex-app/state?format=json"), gw.AppId, GatewayFixture.Secret));
        Assert.Equal(1, enabledState.Data.GetInt32());
        Assert.Equal(100, enabledState.Meta.GetProperty("statuscode").GetInt32());
        var config = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, Ocs("v2", "api/v1/ex-app/config?format=json"), gw.DisabledAppId,
            GatewayFixture.Secret, json: """{"configKey":"k","configValue":"v"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, config.Status);
    }

    [Fact]
    public async Task Failures_from_one_address_are_throttled_to_429_and_others_are_not()
    {
        using var attacker = GatewayHttp.From("127.0.0.12");
        for (var i = 0; i < GatewayFixture.MaxFailures; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await Log(attacker, gw.AppId, "guess-" + i)).Status);
        var blocked = await Log(attacker, gw.AppId, GatewayFixture.Secret);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.Status);
        Assert.Equal(429, blocked.Meta.GetProperty("statuscode").GetInt32());
        var v1 = await Log(attacker, gw.AppId, GatewayFixture.Secret, "v1");
        Assert.Equal(429, v1.Meta.GetProperty("statuscode").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await Log(_http, gw.AppId, GatewayFixture.Secret)).Status);
    }

    [Fact]
    public async Task Malformed_bodies_and_bad_values_get_400_with_a_message()
    {
        var badJson = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, Ocs("v2", "api/v1/log?format=json"), gw.AppId, GatewayFixture.Secret, json: "{\"level\":"));
        Assert.Equal(HttpStatusCode.BadRequest, badJson.Status);
        Assert.Contains("not valid JSON", badJson.Meta.GetProperty("message").GetString());
        var badLevel = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, Ocs("v2", "api/v1/log?format=json"), gw.AppId, GatewayFixture.Secret, json: """{"level":9,"message":"x"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badLevel.Status);
        var xml = GatewayHttp.ExApp(HttpMethod.Post, Ocs("v2", "api/v1/log?format=json"), gw.AppId, GatewayFixture.Secret);
        xml.Content = new StringContent("<r><level>1</r>", System.Text.Encoding.UTF8, "application/xml");
        var badXml = await Send(_http, xml);
        Assert.Equal(HttpStatusCode.BadRequest, badXml.Status);
        Assert.Contains("XML", badXml.Meta.GetProperty("message").GetString());
        var badBase64 = GatewayHttp.ExApp(HttpMethod.Post, Ocs("v2", "api/v1/log?format=json"), gw.AppId, null, json: "{}");
        badBase64.Headers.TryAddWithoutValidation("AUTHORIZATION-APP-API", "%%%not-base64");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(_http, badBase64)).Status);
        var huge = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, Ocs("v2", "api/v1/log?format=json"), gw.AppId, GatewayFixture.Secret,
            json: $"{{\"level\":1,\"message\":\"{new string('x', 70_000)}\"}}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.Status);
    }

    [Fact]
    public async Task App_config_set_get_delete_keeps_sensitive_values_encrypted_at_rest()
    {
        var url = Ocs("v2", "api/v1/ex-app/config");
        var plain = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, url + "?format=json", gw.AppId, GatewayFixture.Secret, json: """{"configKey":"colour","configValue":"blue"}"""));
        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Equal("colour", plain.Data.GetProperty("configkey").GetString());
        Assert.Equal(0, plain.Data.GetProperty("sensitive").GetInt32());
        var secret = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, url + "?format=json", gw.AppId, GatewayFixture.Secret, json: """{"configKey":"token","configValue":"s3cr3t-value","sensitive":1}"""));
        Assert.Equal("s3cr3t-value", secret.Data.GetProperty("configvalue").GetString());
        Assert.Equal(1, secret.Data.GetProperty("sensitive").GetInt32());

        var values = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, url + "/get-values?format=json", gw.AppId, GatewayFixture.Secret, json: """{"configKeys":["colour","token","absent"]}"""));
        var map = values.Data.EnumerateArray().ToDictionary(e => e.GetProperty("configkey").GetString()!, e => e.GetProperty("configvalue").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["colour"] = "blue", ["token"] = "s3cr3t-value" }, map);

        await using (var conn = new NpgsqlConnection($"Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database={gw.Database}"))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT configvalue FROM registry.app_config WHERE appid = @a AND configkey = 'token'", conn);
            cmd.Parameters.AddWithValue("a", gw.AppId);
            var stored = (string)(await cmd.ExecuteScalarAsync())!;
            Assert.DoesNotContain("s3cr3t-value", stored);
        }

        var delete = await Send(_http, GatewayHttp.ExApp(HttpMethod.Delete, url + "?format=json", gw.AppId, GatewayFixture.Secret, json: """{"configKeys":["colour","token"]}"""));
        Assert.Equal(2, delete.Data.GetInt32());
        var again = await Send(_http, GatewayHttp.ExApp(HttpMethod.Delete, url + "?format=json", gw.AppId, GatewayFixture.Secret, json: """{"configKeys":["colour"]}"""));
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal("No appconfig_ex values deleted", again.Meta.GetProperty("message").GetString());
        var empty = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, url + "?format=json", gw.AppId, GatewayFixture.Secret, json: """{"configKey":"","configValue":"x"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Equal("Config key cannot be empty", empty.Meta.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Preferences_belong_to_the_user_the_exapp_acts_for()
    {
        var url = Ocs("v1", "api/v1/ex-app/preference");
        var set = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, url + "?format=json", gw.AppId, GatewayFixture.Secret, "alice", """{"configKey":"theme","configValue":"dark"}"""));
        Assert.Equal(100, set.Meta.GetProperty("statuscode").GetInt32());
        var alice = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, url + "/get-values?format=json", gw.AppId, GatewayFixture.Secret, "alice", """{"configKeys":["theme"]}"""));
        Assert.Equal("dark", alice.Data[0].GetProperty("configvalue").GetString());
        var bob = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, url + "/get-values?format=json", gw.AppId, GatewayFixture.Secret, "bob", """{"configKeys":["theme"]}"""));
        Assert.Equal(0, bob.Data.GetArrayLength());
        var system = await Send(_http, GatewayHttp.ExApp(HttpMethod.Post, url + "/get-values?format=json", gw.AppId, GatewayFixture.Secret, "", """{"configKeys":["theme"]}"""));
        Assert.Equal(400, system.Meta.GetProperty("statuscode").GetInt32());
        var deleted = await Send(_http, GatewayHttp.ExApp(HttpMethod.Delete, url + "?format=json", gw.AppId, GatewayFixture.Secret, "bob", """{"configKeys":["theme"]}"""));
        Assert.Equal(HttpStatusCode.OK, deleted.Status); // v1: errors ride in the envelope
        Assert.Equal(998, deleted.Meta.GetProperty("statuscode").GetInt32());
    }

    [Fact]
    public async Task Config_values_answer_in_xml_without_format_json()
    {
        var req = GatewayHttp.ExApp(HttpMethod.Post, Ocs("v2", "api/v1/ex-app/config/get-values"), gw.AppId, GatewayFixture.Secret, json: """{"configKeys":["nothing"]}""");
        using var res = await _http.SendAsync(req);
        var doc = XDocument.Parse(await res.Content.ReadAsStringAsync());
        Assert.Equal("200", doc.Root!.Element("meta")!.Element("statuscode")!.Value);
    }

    [Fact]
    public async Task Nextcloud_absolute_url_is_built_from_the_nextcloud_url()
    {
        var r = await Send(_http, GatewayHttp.ExApp(HttpMethod.Get, Ocs("v2", "api/v1/info/nextcloud_url/absolute?format=json&url=/index.php/apps/x"), gw.AppId, GatewayFixture.Secret));
        Assert.Equal(gw.Nextcloud.Url + "/index.php/apps/x", r.Data.GetProperty("absolute_url").GetString());
    }

    [Fact]
    public async Task Capabilities_carry_the_app_api_block()
    {
        var r = await Send(_http, new HttpRequestMessage(HttpMethod.Get, $"{gw.Url}/ocs/v1.php/cloud/capabilities?format=json"));
        Assert.Equal(100, r.Meta.GetProperty("statuscode").GetInt32());
        Assert.Equal("32.0.0", r.Data.GetProperty("capabilities").GetProperty("app_api").GetProperty("version").GetString());
        Assert.True(r.Data.GetProperty("version").GetProperty("major").GetInt32() > 0);
    }

    [Fact]
    public async Task A_newer_ex_app_version_raises_the_stored_version()
    {
        var appId = gw.AppPrefix + "ver";
        var reg = await gw.Cli("app:register", appId, GatewayFixture.DaemonName, "--json-info", GatewayFixture.JsonInfo(appId, GatewayFixture.FreePort()));
        Assert.True(reg.ExitCode == 0, reg.ToString());
        try
        {
            var r = await Send(_http, GatewayHttp.ExApp(HttpMethod.Get, Ocs("v2", "ex-app/state?format=json"), appId, GatewayFixture.Secret, version: "1.2.0"));
            Assert.Equal(HttpStatusCode.OK, r.Status);
            string? version = null;
            for (var i = 0; i < 100 && version != "1.2.0"; i++)
            {
                version = (await gw.GetAppAsync(appId)).GetProperty("version").GetString();
                if (version != "1.2.0") await Task.Delay(200);
            }
            Assert.Equal("1.2.0", version);
        }
        finally
        {
            await gw.Cli("app:unregister", appId, "--force", "--silent");
        }
    }
}
