using System.Net;
using ExApps.Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace ExApps.Gateway.Tests;

/// <summary>What the proxy refuses before the route ACL looks at a path, and what it matches against.</summary>
public sealed class ProxyPathTests
{
    [Theory]
    [InlineData("/static/..;/api/admin", "path parameter")]
    [InlineData("/static/x;jsessionid=1/y", "path parameter")]
    [InlineData("/static/x%3Bjsessionid=1", "encoded slash")]
    [InlineData("/public%0a", "control character")]
    [InlineData("/public%0d%0aX-Injected:%201", "control character")]
    [InlineData("/public%00", "control character")]
    [InlineData("/api%2Fadmin", "encoded slash")]
    [InlineData("/api%5cadmin", "encoded slash")]
    [InlineData("/api\\admin", "back slash")]
    [InlineData("/static/%2e/admin", "dot segment")]
    [InlineData("/static/./admin", "dot segment")]
    [InlineData("/static//admin", "empty segment")]
    [InlineData("/x%2541", "double percent-encoding")]
    [InlineData("/x%252e%252e/admin", "double percent-encoding")]
    [InlineData("/static/%252e%252e/admin", "`..`")]
    public void Ambiguous_paths_are_refused_with_the_reason(string rest, string reason)
    {
        Assert.Null(ProxyPath.Normalize(rest, out var why));
        Assert.Contains(reason, why);
    }

    [Theory]
    [InlineData("/public", "/public")]
    [InlineData("/api/x%20y", "/api/x y")]
    [InlineData("/api/caf%C3%A9", "/api/café")]
    [InlineData("/api/", "/api/")]
    [InlineData("", "/")]
    [InlineData("/.well-known/x", "/.well-known/x")]
    [InlineData("/file...txt", "/file...txt")]
    public void Plain_paths_are_matched_once_decoded(string rest, string decoded) =>
        Assert.Equal(decoded, ProxyPath.Normalize(rest, out _));

    [Fact]
    public void A_newline_can_no_longer_end_a_dollar_anchored_route() =>
        // RouteAcl itself would match "^/public$" against "/public\n"; the path rules never let one through.
        Assert.Null(ProxyPath.Normalize("/public%0A", out _));

    [Fact]
    public void Headers_listed_in_connection_are_named_except_connection_options() =>
        Assert.Equal(["X-Secret", "X-Other"],
            ForwardedHeaders.ListedIn(["keep-alive, X-Secret", "Upgrade,X-Other, close"]).ToArray());

    [Fact]
    public void Forwarding_headers_from_an_untrusted_client_are_replaced_by_the_gateway_s_own()
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("cloud.example");
        var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "1.2.3.4");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=1.2.3.4");
        request.Headers.TryAddWithoutValidation("X-Real-IP", "1.2.3.4");
        ForwardedHeaders.Apply(http, request, peerIsTrustedProxy: false);
        Assert.Equal("203.0.113.7", request.Headers.GetValues("X-Forwarded-For").Single());
        Assert.Equal("https", request.Headers.GetValues("X-Forwarded-Proto").Single());
        Assert.Equal("cloud.example", request.Headers.GetValues("X-Forwarded-Host").Single());
        Assert.False(request.Headers.Contains("Forwarded"));
        Assert.False(request.Headers.Contains("X-Real-IP"));
    }

    [Fact]
    public void A_trusted_proxy_s_forwarding_headers_stay_and_it_is_appended()
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.2");
        http.Request.Headers["X-Forwarded-For"] = "198.51.100.9";
        var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "198.51.100.9");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        ForwardedHeaders.Apply(http, request, peerIsTrustedProxy: true);
        Assert.Equal("198.51.100.9, 10.0.0.2", request.Headers.GetValues("X-Forwarded-For").Single());
        Assert.Equal("https", request.Headers.GetValues("X-Forwarded-Proto").Single());
    }
}
