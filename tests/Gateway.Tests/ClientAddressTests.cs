using System.Net;
using ExApps.Gateway.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Tests;

public sealed class ClientAddressTests
{
    private static ClientAddress With(params string[] trusted) =>
        new(Options.Create(new GatewayOptions { TrustedProxies = trusted }));

    private static HttpContext From(string peer, string? forwardedFor = null)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor is not null) http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        return http;
    }

    [Fact]
    public void An_untrusted_peer_is_the_client_whatever_it_claims() =>
        Assert.Equal(IPAddress.Parse("203.0.113.7"), With().Of(From("203.0.113.7", "1.2.3.4")));

    [Fact]
    public void Behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() =>
        Assert.Equal(IPAddress.Parse("198.51.100.9"),
            With("10.0.0.0/8").Of(From("10.0.0.2", "6.6.6.6, 198.51.100.9, 10.0.0.5")));

    [Fact]
    public void Mapped_ipv4_peers_match_ipv4_entries() =>
        Assert.True(With("127.0.0.1").IsTrusted(IPAddress.Parse("::ffff:127.0.0.1")));

    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("::1", true)]
    [InlineData("10.0.0.300", false)]
    [InlineData("proxy.local", false)]
    public void Trusted_proxy_entries_are_addresses_or_networks(string entry, bool valid) =>
        Assert.Equal(valid, ClientAddress.IsValidEntry(entry));
}
