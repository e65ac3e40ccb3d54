using System.Net;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Auth;

/// <summary>The address a request comes from, for throttling and <c>x-origin-ip</c>: the TCP peer, unless the peer
/// is one of <see cref="GatewayOptions.TrustedProxies"/>; then the right-most address of its
/// <c>X-Forwarded-For</c> that is not itself a trusted proxy (the left part of that header is whatever the
/// client wrote, so it is never believed).</summary>
public sealed class ClientAddress(IOptions<GatewayOptions> options)
{
    private readonly IPNetwork[] _trusted = Parse(options.Value.TrustedProxies).ToArray();

    public IPAddress? Of(HttpContext http)
    {
        var peer = Normalize(http.Connection.RemoteIpAddress);
        if (peer is null || !IsTrusted(peer)) return peer;
        var hops = http.Request.Headers["X-Forwarded-For"].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop)) return peer; // garbage: trust nothing further left
            hop = Normalize(hop)!;
            if (!IsTrusted(hop)) return hop;
        }
        return peer;
    }

    public bool IsTrusted(IPAddress? ip)
    {
        if (ip is null || _trusted.Length == 0) return false; // asked on every proxied request: no closure, no LINQ
        ip = Normalize(ip)!;
        foreach (var network in _trusted)
            if (network.Contains(ip)) return true;
        return false;
    }

    public static IPAddress? Normalize(IPAddress? ip) => ip is { IsIPv4MappedToIPv6: true } ? ip.MapToIPv4() : ip;

    /// <summary>Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>).</summary>
    public static IReadOnlyList<IPNetwork> Parse(IEnumerable<string> entries) => entries
        .Where(e => !string.IsNullOrWhiteSpace(e))
        .Select(e => e.Contains('/') ? IPNetwork.Parse(e.Trim()) : Single(Normalize(IPAddress.Parse(e.Trim()))!))
        .ToList();

    private static IPNetwork Single(IPAddress ip) =>
        new(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);

    public static bool IsValidEntry(string entry) =>
        entry.Contains('/') ? IPNetwork.TryParse(entry.Trim(), out _) : IPAddress.TryParse(entry.Trim(), out _);
}
