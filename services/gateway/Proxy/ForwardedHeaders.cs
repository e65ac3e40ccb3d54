namespace ExApps.Gateway.Proxy;

/// <summary>Hop-by-hop and forwarding headers of proxied requests. A client may name any header in
/// <c>Connection</c> to have a compliant proxy drop it (RFC 9110 §7.6.1), so those are dropped here too rather than
/// reaching the ExApp. <c>X-Forwarded-*</c>, <c>Forwarded</c> and <c>X-Real-IP</c> from a client are lies until
/// proven otherwise: unless the peer is a trusted proxy they are replaced by the gateway's own view (peer address,
/// scheme, host).</summary>
public static class ForwardedHeaders
{
    private static readonly string[] Forwarding =
    [
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Forwarded-Port",
        "X-Forwarded-Server", "X-Real-IP",
    ];

    /// <summary>Connection options that are the protocol's own business, never names of headers to drop.</summary>
    private static readonly HashSet<string> ConnectionOptions = new(StringComparer.OrdinalIgnoreCase) { "close", "keep-alive", "upgrade" };

    /// <summary>The header names a <c>Connection</c> header lists (its options excepted).</summary>
    public static IEnumerable<string> ListedIn(IEnumerable<string?> connectionValues) => connectionValues
        .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .Where(t => !ConnectionOptions.Contains(t));

    public static void DropConnectionListed(HttpContext http, HttpRequestMessage proxyRequest)
    {
        var connection = http.Request.Headers.Connection;
        if (connection.Count == 0) return; // HTTP/1.1 keep-alive sends none: nothing to drop
        foreach (var name in ListedIn(connection))
        {
            proxyRequest.Headers.Remove(name);
            proxyRequest.Content?.Headers.Remove(name);
        }
    }

    public static void DropConnectionListed(HttpResponseMessage? proxyResponse, HttpResponse response)
    {
        // The raw values: reading Headers.Connection would parse (and allocate) on every response.
        if (proxyResponse is null || !proxyResponse.Headers.NonValidated.TryGetValues("Connection", out var values)) return;
        foreach (var name in ListedIn(values)) response.Headers.Remove(name);
    }

    /// <summary>Sets the forwarding headers the ExApp receives. From a trusted proxy, its headers stay and its own
    /// address is appended to X-Forwarded-For; from anyone else, the client's are replaced.</summary>
    public static void Apply(HttpContext http, HttpRequestMessage proxyRequest, bool peerIsTrustedProxy)
    {
        var peer = http.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } m ? m.MapToIPv4() : http.Connection.RemoteIpAddress;
        var peerText = peer?.ToString() ?? "";
        if (peerIsTrustedProxy)
        {
            var existing = http.Request.Headers["X-Forwarded-For"].ToString();
            proxyRequest.Headers.Remove("X-Forwarded-For");
            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", existing.Length > 0 ? $"{existing}, {peerText}" : peerText);
            return;
        }
        foreach (var name in Forwarding) proxyRequest.Headers.Remove(name);
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", peerText);
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", http.Request.Scheme);
        if (http.Request.Host.HasValue) proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Host", http.Request.Host.Value);
    }
}
