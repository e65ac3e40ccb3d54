using System.Net;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests.Security;

/// <summary>The ExApp proxy under hostile paths, headers and smuggling attempts: ambiguous paths are refused before
/// the route ACL, nothing reaches an ADMIN route anonymously, hop-by-hop and forwarding headers are the gateway's,
/// and no smuggled request or injected header ever reaches the ExApp.</summary>
[Collection(SecurityCollection.Name)]
public sealed class HostileProxyTests(SecurityFixture fx)
{
    private string Prefix => $"/index.php/apps/app_api/proxy/{fx.AppId}";

    [Theory]
    [InlineData("/static/..;/admin/x", 400)]             // a Java server resolves this to /admin/x
    [InlineData("/static/%2e%2e;/admin/x", 400)]
    [InlineData("/static/x;jsessionid=1", 400)]
    [InlineData("/public%0a", 400)]                      // "$" matches before a final newline
    [InlineData("/public%0d%0aX-Injected:%201", 400)]
    [InlineData("/api%2Fadmin%2Fx", 400)]
    [InlineData("/api/x%5C..%5C..%5Cadmin", 404)]
    [InlineData("/static/./admin/x", 400)]
    [InlineData("/static/%2e/admin/x", 400)]
    [InlineData("/static//admin/x", 400)]
    [InlineData("/static/%252e%252e/admin/x", 404)]
    [InlineData("/api/%252fadmin", 400)]
    [InlineData("/static/%2e%2e/admin/x", 404)]
    [InlineData("/../sec-other/public", 404)]
    [InlineData("/admin/x", 404)]                         // ADMIN route, anonymous caller
    [InlineData("/ADMIN/x", 404)]
    public async Task Ambiguous_or_bypassing_paths_never_reach_the_exapp(string rest, int status)
    {
        var before = (await fx.ReceivedAsync(fx.AppPort)).Count;
        var (statuses, text) = await RawHttp.SendAsync(fx.Url, $"GET {Prefix}{rest} HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\n\r\n", "127.0.0.44");
        fx.Ledger.Record("proxy paths", rest, statuses.FirstOrDefault(), false);
        Assert.True(statuses.Count == 1 && statuses[0] == status, text);
        if (status == 400) Assert.Contains("path", text);
        Assert.Equal(before, (await fx.ReceivedAsync(fx.AppPort)).Count);
    }

    public static TheoryData<string, string> Smuggling => new()
    {
        { "CL.TE", "POST {p}/api/echo HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: {host}\r\nX-Injected: 1\r\nConnection: close\r\n\r\n" },
        { "TE.CL", "POST {p}/api/echo HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n30\r\nGET {p}/api/smuggled HTTP/1.1\r\nX-Injected: 1\r\n\r\n\r\n0\r\n\r\n" },
        { "TE with a space before the colon", "POST {p}/api/echo HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding : chunked\r\nContent-Length: 30\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n" },
        { "TE chunked, identity", "POST {p}/api/echo HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n" },
        { "obs-fold header", "GET {p}/api/echo HTTP/1.1\r\nHost: {host}\r\nX-Client-One: 1\r\n X-Injected: 1\r\nConnection: close\r\n\r\n" },
        { "bare LF ending a header line", "GET {p}/api/echo HTTP/1.1\r\nHost: {host}\r\nX-Client-One: 1\nX-Client-Two: 1\r\nConnection: close\r\n\r\n" },
        { "NUL in the path", "GET {p}/api/echo%00/smuggled HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n" },
        { "NUL in a header value", "GET {p}/api/echo HTTP/1.1\r\nHost: {host}\r\nX-Client-One: 1\0GET /smuggled\r\nConnection: close\r\n\r\n" },
        { "CRLF in the proxied path", "GET {p}/api/echo%0d%0aX-Injected:%201%0d%0a%0d%0aGET%20/smuggled HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n" },
        { "pipelined second request", "GET {p}/api/echo HTTP/1.1\r\nHost: {host}\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n" },
        { "absolute-form target elsewhere", "GET http://evil.example/smuggled HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n" },
        { "Connection names an AppAPI header", "GET {p}/api/echo HTTP/1.1\r\nHost: {host}\r\nConnection: X-Client-Hop, AUTHORIZATION-APP-API\r\nX-Client-Hop: 1\r\nAUTHORIZATION-APP-API: Zm9vOmJhcg==\r\n\r\n" },
        { "spoofed AppAPI headers", "GET {p}/api/echo HTTP/1.1\r\nHost: {host}\r\nEX-APP-ID: sec-other\r\nEX-APP-VERSION: 9.9.9\r\nAA-VERSION: 1\r\nConnection: close\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(Smuggling))]
    public async Task Smuggling_attempts_never_deliver_a_second_request_or_an_injected_header(string name, string request)
    {
        var (statuses, text) = await RawHttp.SendAsync(fx.Url, request.Replace("{p}", Prefix), "127.0.0.45");
        fx.Ledger.Record("smuggling", name, statuses.DefaultIfEmpty(0).Max(), false);
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.True(s < 500, $"{name}: {text}"));
        await fx.AssertNothingInjectedAsync();
    }

    private async Task<JsonElement> EchoAsync(string fromIp, params (string Name, string Value)[] headers)
    {
        using var http = GatewayHttp.From(fromIp);
        using var req = new HttpRequestMessage(HttpMethod.Get, $"{fx.Url}{Prefix}/api/echo");
        foreach (var (n, v) in headers) req.Headers.TryAddWithoutValidation(n, v);
        using var res = await http.SendAsync(req);
        fx.Ledger.Record("proxy headers", string.Join(",", headers.Select(h => h.Name)), (int)res.StatusCode, false);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("headers").Clone();
    }

    private async Task<JsonElement> RawEchoAsync(string headers)
    {
        var (statuses, text) = await RawHttp.SendAsync(fx.Url, $"GET {Prefix}/api/echo HTTP/1.1\r\nHost: {{host}}\r\n{headers}\r\n", "127.0.0.46");
        fx.Ledger.Record("proxy headers", headers.Split("\r\n")[0], statuses.FirstOrDefault(), false);
        Assert.Equal([200], statuses);
        var json = text[text.IndexOf('{')..(text.LastIndexOf('}') + 1)];
        return JsonDocument.Parse(json).RootElement.GetProperty("headers").Clone();
    }

    [Fact]
    public async Task Headers_listed_in_connection_are_dropped()
    {
        var h = await RawEchoAsync("Connection: X-Secret-Hop, X-Other-Hop\r\nX-Secret-Hop: for the proxy only\r\nX-Other-Hop: 1\r\nX-Kept: 1\r\n");
        Assert.False(h.TryGetProperty("x-secret-hop", out _));
        Assert.False(h.TryGetProperty("x-other-hop", out _));
        Assert.Equal("1", h.GetProperty("x-kept").GetString());
    }

    /// <summary>Kestrel keeps only its own option when a request's Connection header says close, keep-alive or
    /// upgrade, so names listed beside those never reach the gateway (docs/security.md). Whatever a client lists,
    /// the headers the gateway sets are added after the drop and can be neither removed nor replaced.</summary>
    [Fact]
    public async Task Nothing_listed_in_connection_removes_or_replaces_the_gateway_s_own_headers()
    {
        var h = await RawEchoAsync("Connection: close, EX-APP-ID, AUTHORIZATION-APP-API, X-Forwarded-For, X-Origin-IP\r\n" +
            "EX-APP-ID: sec-other\r\nAUTHORIZATION-APP-API: Zm9vOmJhcg==\r\nX-Forwarded-For: 1.2.3.4\r\nX-Origin-IP: 1.2.3.4\r\n");
        Assert.Equal(fx.AppId, h.GetProperty("ex-app-id").GetString());
        Assert.Equal("1.0.0", h.GetProperty("ex-app-version").GetString());
        Assert.NotEqual("Zm9vOmJhcg==", h.GetProperty("authorization-app-api").GetString());
        Assert.Equal("127.0.0.46", h.GetProperty("x-forwarded-for").GetString());
        Assert.Equal("127.0.0.46", h.GetProperty("x-origin-ip").GetString());
    }

    [Fact]
    public async Task Forwarding_headers_from_an_untrusted_client_are_replaced_by_the_gateway_s_own()
    {
        var h = await EchoAsync("127.0.0.47", ("X-Forwarded-For", "1.2.3.4"), ("Forwarded", "for=1.2.3.4;proto=https"),
            ("X-Real-IP", "1.2.3.4"), ("X-Forwarded-Host", "evil.example"));
        Assert.Equal("127.0.0.47", h.GetProperty("x-forwarded-for").GetString());
        Assert.Equal("127.0.0.47", h.GetProperty("x-origin-ip").GetString());
        Assert.Equal("http", h.GetProperty("x-forwarded-proto").GetString());
        Assert.NotEqual("evil.example", h.GetProperty("x-forwarded-host").GetString());
        Assert.False(h.TryGetProperty("forwarded", out _));
        Assert.False(h.TryGetProperty("x-real-ip", out _));
    }

    [Fact]
    public async Task A_configured_trusted_proxy_passes_the_client_address_on()
    {
        var h = await EchoAsync(SecurityFixture.TrustedProxy, ("X-Forwarded-For", "6.6.6.6, 198.51.100.9"), ("X-Forwarded-Proto", "https"));
        Assert.Equal("6.6.6.6, 198.51.100.9, 127.0.0.9", h.GetProperty("x-forwarded-for").GetString());
        Assert.Equal("198.51.100.9", h.GetProperty("x-origin-ip").GetString());
        Assert.Equal("https", h.GetProperty("x-forwarded-proto").GetString());
    }
}
