using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>The ExApp proxy route through the running gateway to the test ExApp: the ACL matrix, header rules,
/// streamed bodies, traversal, brute-force protection, WebSockets.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayProxyTests(GatewayFixture gw)
{
    private readonly HttpClient _http = GatewayHttp.From("127.0.0.1");
    private string Proxy(string path, string? appId = null) => $"{gw.Url}/index.php/apps/app_api/proxy/{appId ?? gw.AppId}/{path}";

    private async Task<HttpStatusCode> Get(string url, string? authorization = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        if (authorization is not null) req.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var res = await _http.SendAsync(req);
        return res.StatusCode;
    }

    [Theory]
    [InlineData("public", null, HttpStatusCode.OK)]
    [InlineData("public", StandInNextcloud.AliceBasic, HttpStatusCode.OK)]
    [InlineData("public", StandInNextcloud.RootBasic, HttpStatusCode.OK)]
    [InlineData("api/x", null, HttpStatusCode.NotFound)]
    [InlineData("api/x", StandInNextcloud.AliceBasic, HttpStatusCode.OK)]
    [InlineData("api/x", StandInNextcloud.RootBasic, HttpStatusCode.OK)]
    [InlineData("admin/x", null, HttpStatusCode.NotFound)]
    [InlineData("admin/x", StandInNextcloud.AliceBasic, HttpStatusCode.NotFound)]
    [InlineData("admin/x", StandInNextcloud.RootBasic, HttpStatusCode.OK)]
    [InlineData("nowhere", StandInNextcloud.RootBasic, HttpStatusCode.NotFound)]
    public async Task Route_acl_admits_anonymous_users_and_admins_by_access_level(string path, string? auth, HttpStatusCode expected) =>
        Assert.Equal(expected, await Get(Proxy(path), auth));

    [Fact]
    public async Task Forwarded_request_carries_appapi_headers_for_the_session_user_and_drops_excluded_ones()
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, Proxy("api/echo?q=1"))
        {
            Content = new StringContent("streamed body", Encoding.UTF8, "text/plain"),
        };
        req.Headers.TryAddWithoutValidation("Cookie", StandInNextcloud.AliceCookie);
        req.Headers.TryAddWithoutValidation("X-Drop-Me", "secret-ish");
        req.Headers.TryAddWithoutValidation("X-Keep-Me", "kept");
        req.Headers.TryAddWithoutValidation("EX-APP-ID", "someone-else");
        req.Headers.TryAddWithoutValidation("X-Origin-IP", "1.2.3.4");
        using var res = await _http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var echo = JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("POST", echo.GetProperty("method").GetString());
        Assert.Equal("/api/echo", echo.GetProperty("path").GetString());
        Assert.Equal("?q=1", echo.GetProperty("query").GetString());
        Assert.Equal("alice", echo.GetProperty("user_id").GetString());
        Assert.Equal("streamed body", echo.GetProperty("body").GetString());
        var headers = echo.GetProperty("headers");
        Assert.False(headers.TryGetProperty("x-drop-me", out _));
        Assert.Equal("kept", headers.GetProperty("x-keep-me").GetString());
        Assert.Equal(gw.AppId, headers.GetProperty("ex-app-id").GetString());
        Assert.Equal("1.0.0", headers.GetProperty("ex-app-version").GetString());
        Assert.Equal("127.0.0.1", headers.GetProperty("x-origin-ip").GetString());
        Assert.True(headers.TryGetProperty("aa-request-id", out _));
    }

    [Fact]
    public async Task The_short_proxy_prefix_works_too() =>
        Assert.Equal(HttpStatusCode.OK, await Get($"{gw.Url}/apps/app_api/proxy/{gw.AppId}/public"));

    [Theory]
    [InlineData("/index.php/apps/app_api/proxy/{app}/../{app}/public")]
    [InlineData("/index.php/apps/app_api/proxy/{app}/%2e%2e/{app}/public")]
    [InlineData("/index.php/apps/app_api/proxy/{app}/api/%2E%2E%2F%2E%2E%2Fpublic")]
    [InlineData("/index.php/apps/app_api/proxy/{app}/%252e%252e/public")]
    [InlineData("/apps/app_api/proxy/{app}/..%5Cpublic")]
    public async Task Path_traversal_in_any_encoding_is_404(string path) =>
        Assert.Equal(404, await GatewayHttp.RawStatusAsync(gw.Url, path.Replace("{app}", gw.AppId)));

    [Fact]
    public async Task Unknown_disabled_and_invalid_apps_are_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, await Get(Proxy("public", gw.AppPrefix + "nope")));
        Assert.Equal(HttpStatusCode.NotFound, await Get(Proxy("public", gw.DisabledAppId)));
        Assert.Equal(HttpStatusCode.NotFound, await Get(Proxy("public", new string('a', 60))));
    }

    [Fact]
    public async Task Statuses_listed_in_bruteforce_protection_throttle_the_client()
    {
        using var client = GatewayHttp.From("127.0.0.13");
        for (var i = 0; i < GatewayFixture.MaxFailures; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Proxy("missing/" + i))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync(Proxy("missing/again"))).StatusCode);
        // Routes without bruteforce_protection are not throttled.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Proxy("public"))).StatusCode);
    }

    [Fact]
    public async Task A_websocket_echoes_through_the_proxy_for_a_logged_in_user()
    {
        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Authorization", StandInNextcloud.AliceBasic);
        await ws.ConnectAsync(new Uri(Proxy("ws").Replace("http://", "ws://")), CancellationToken.None);
        await ws.SendAsync(Encoding.UTF8.GetBytes("hello through the gateway"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var received = await ws.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("hello through the gateway", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        using var anonymous = new ClientWebSocket();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            anonymous.ConnectAsync(new Uri(Proxy("ws").Replace("http://", "ws://")), CancellationToken.None));
        Assert.Contains("404", refused.Message);
    }
}
