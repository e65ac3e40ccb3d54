using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>Admin OCS routes (token or Nextcloud admin) and the forwarding of Nextcloud core routes to the
/// stand-in Nextcloud.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayAdminAndForwardingTests(GatewayFixture gw)
{
    private readonly HttpClient _http = GatewayHttp.From("127.0.0.1");
    private string Admin(string route) => $"{gw.Url}/ocs/v2.php/apps/app_api/api/v1/ex-app/{route}";

    private async Task<(HttpStatusCode Status, JsonElement Meta, JsonElement Data)> Send(HttpMethod method, string url, string? auth, string? json = null)
    {
        using var req = new HttpRequestMessage(method, url);
        req.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
        req.Headers.TryAddWithoutValidation("Accept", "application/json");
        if (auth is not null) req.Headers.TryAddWithoutValidation("Authorization", auth);
        if (json is not null) req.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var res = await _http.SendAsync(req);
        var ocs = JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("ocs").Clone();
        return (res.StatusCode, ocs.GetProperty("meta"), ocs.GetProperty("data"));
    }

    private const string Token = "Bearer " + PlatformFixture.AdminToken;

    [Fact]
    public async Task Admin_routes_need_the_token_or_a_nextcloud_admin()
    {
        var anonymous = await Send(HttpMethod.Get, Admin("all"), null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(997, anonymous.Meta.GetProperty("statuscode").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, Admin("all"), StandInNextcloud.AliceBasic)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, Admin("all"), "Bearer wrong-token")).Status);
        var root = await Send(HttpMethod.Get, Admin("all"), StandInNextcloud.RootBasic);
        Assert.Equal(HttpStatusCode.OK, root.Status);
    }

    [Fact]
    public async Task App_lists_and_info_have_appapi_s_shape()
    {
        var all = await Send(HttpMethod.Get, Admin("all"), Token);
        var ids = all.Data.EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Contains(gw.AppId, ids);
        Assert.Contains(gw.DisabledAppId, ids);
        var enabled = await Send(HttpMethod.Get, Admin("enabled"), Token);
        var enabledIds = enabled.Data.EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Contains(gw.AppId, enabledIds);
        Assert.DoesNotContain(gw.DisabledAppId, enabledIds);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Get, Admin("some"), Token)).Status);

        var info = await Send(HttpMethod.Get, Admin($"info/{gw.AppId}"), Token);
        Assert.Equal("1.0.0", info.Data.GetProperty("version").GetString());
        Assert.True(info.Data.GetProperty("enabled").GetBoolean());
        Assert.Equal(100, info.Data.GetProperty("status").GetProperty("init").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, Admin($"info/{gw.AppPrefix}nope"), Token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, Admin($"info/{new string('x', 50)}"), Token)).Status);
    }

    [Fact]
    public async Task Request_to_exapp_returns_its_status_headers_and_body()
    {
        var r = await Send(HttpMethod.Post, Admin($"request/{gw.AppId}/"), Token,
            """{"route":"/api/from-admin","method":"GET","userId":"alice","params":{"a":"1"}}""");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(200, r.Data.GetProperty("status_code").GetInt32());
        var body = JsonDocument.Parse(r.Data.GetProperty("body").GetString()!).RootElement;
        Assert.Equal("alice", body.GetProperty("user_id").GetString());
        Assert.Equal("?a=1", body.GetProperty("query").GetString());
        var unknown = await Send(HttpMethod.Post, Admin($"request/{gw.AppPrefix}nope/"), Token, """{"route":"/x"}""");
        Assert.Equal($"ExApp `{gw.AppPrefix}nope` not found", unknown.Data.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Setting_the_state_it_already_has_is_a_400()
    {
        var r = await Send(HttpMethod.Put, Admin($"{gw.DisabledAppId}/enabled"), Token, """{"enabled":0}""");
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("ExApp already disabled", r.Meta.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Put, Admin($"{gw.AppPrefix}nope/enabled"), Token, """{"enabled":1}""")).Status);
    }

    /// <summary>Needs the registry's POST /admin/apps/{appid}/disable|enable (issue 3/4 engineers).</summary>
    [Fact]
    public async Task Disabling_through_ocs_closes_the_proxy_and_enabling_reopens_it_without_a_gateway_restart()
    {
        var proxy = $"{gw.Url}/index.php/apps/app_api/proxy/{gw.AppId}/public";
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(proxy)).StatusCode);
        var off = await Send(HttpMethod.Put, Admin($"{gw.AppId}/enabled"), Token, """{"enabled":0}""");
        Assert.True(off.Status == HttpStatusCode.OK, off.Meta.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(proxy)).StatusCode);
        var on = await Send(HttpMethod.Put, Admin($"{gw.AppId}/enabled"), Token, """{"enabled":1}""");
        Assert.True(on.Status == HttpStatusCode.OK, on.Meta.ToString());
        var status = HttpStatusCode.NotFound;
        for (var i = 0; i < 150 && status != HttpStatusCode.OK; i++)
        {
            status = (await _http.GetAsync(proxy)).StatusCode;
            if (status != HttpStatusCode.OK) await Task.Delay(200);
        }
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("GET", "/ocs/v2.php/cloud/users/alice?format=json")]
    [InlineData("PROPFIND", "/remote.php/dav/files/alice/Documents")]
    [InlineData("GET", "/index.php/apps/files/")]
    [InlineData("GET", "/ocs/v2.php/apps/app_api/api/v1/notification")]
    public async Task Other_core_routes_are_forwarded_to_nextcloud(string method, string path)
    {
        using var req = new HttpRequestMessage(new HttpMethod(method), gw.Url + path);
        req.Headers.TryAddWithoutValidation("Authorization", StandInNextcloud.AliceBasic);
        using var res = await _http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.True((await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stand_in_nextcloud").GetBoolean());
        Assert.Contains(gw.Nextcloud.Received, r => r.Method == method && r.PathAndQuery == path
            && r.Headers.GetValueOrDefault("authorization") == StandInNextcloud.AliceBasic);
    }

    [Fact]
    public async Task Routes_the_gateway_answers_are_not_forwarded()
    {
        var before = gw.Nextcloud.Received.Count;
        await _http.GetAsync($"{gw.Url}/ocs/v1.php/cloud/capabilities?format=json");
        await _http.GetAsync($"{gw.Url}/index.php/apps/app_api/proxy/{gw.AppId}/public");
        Assert.DoesNotContain(gw.Nextcloud.Received.Skip(before), r => r.PathAndQuery.Contains("capabilities") || r.PathAndQuery.Contains("proxy"));
    }

    [Fact]
    public async Task Without_a_configured_nextcloud_core_routes_are_404() =>
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{gw.GatewayUrl}/remote.php/dav/files/x")).StatusCode);

    [Fact]
    public async Task No_secret_or_credential_appears_in_any_service_log()
    {
        // Make sure something secret went through the gateway in this test, whatever ran before.
        using var req = GatewayHttp.ExApp(HttpMethod.Post, $"{gw.Url}/ocs/v2.php/apps/app_api/api/v1/ex-app/config?format=json",
            gw.AppId, GatewayFixture.Secret, json: """{"configKey":"log-check","configValue":"very-sensitive-value","sensitive":1}""");
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(req)).StatusCode);
        await _http.GetAsync($"{gw.Url}/index.php/apps/app_api/proxy/{gw.AppId}/api/x");
        foreach (var service in gw.Services)
        {
            var log = service.Tail(100_000);
            Assert.DoesNotContain(GatewayFixture.Secret, log);
            Assert.DoesNotContain("very-sensitive-value", log);
            Assert.DoesNotContain(StandInNextcloud.AliceBasic["Basic ".Length..], log);
            Assert.DoesNotContain(PlatformFixture.AdminToken, log);
        }
    }
}
