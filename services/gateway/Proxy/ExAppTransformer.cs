using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace ExApps.Gateway.Proxy;

/// <summary>Header and URL rules of one proxied request (docs/protocol.md §6). To the ExApp: the client's headers minus the
/// route's <c>headers_to_exclude</c>, the headers the client listed in <c>Connection</c>, any AppAPI headers the
/// client sent, and <c>x-origin-ip</c>; forwarding headers as <see cref="ForwardedHeaders"/> decides; then the
/// gateway's own §4.2 headers (which therefore override) and <c>x-origin-ip</c> = the client address. From the
/// ExApp: its headers minus the AppAPI ones and those its <c>Connection</c> lists. Content-Length is kept: the body
/// is streamed byte for byte (AppAPI drops it only because its client re-encodes the body). Bodies stream both
/// ways; WebSocket upgrades pass. Headers are removed by name (a removal of an absent header costs a lookup), never
/// by enumerating the request's headers, which would parse every value.</summary>
public sealed class ExAppTransformer(ProxyTarget target, Registry.AppRoute route, string userId, string pathAndEncoded,
    IPAddress? clientIp, bool peerIsTrustedProxy = false) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext http, HttpRequestMessage proxyRequest,
        string destinationPrefix, CancellationToken ct)
    {
        await base.TransformRequestAsync(http, proxyRequest, destinationPrefix, ct);
        ForwardedHeaders.DropConnectionListed(http, proxyRequest);
        Drop(proxyRequest, target.ExcludedHeaders(route));
        Drop(proxyRequest, ExAppHeaders.AppApiNames);
        Drop(proxyRequest, ExAppHeaders.OriginIp);
        ForwardedHeaders.Apply(http, proxyRequest, peerIsTrustedProxy);

        ExAppRequester.AddEncodedAppApiHeaders(proxyRequest.Headers, target.App, target.Credentials(userId));
        var ip = clientIp is { IsIPv4MappedToIPv6: true } ? clientIp.MapToIPv4() : clientIp;
        proxyRequest.Headers.TryAddWithoutValidation(ExAppHeaders.OriginIp, ip?.ToString() ?? "");
        proxyRequest.RequestUri = new Uri(target.BaseUrl + pathAndEncoded + http.Request.QueryString.Value);
        proxyRequest.Headers.Host = null; // the ExApp's own host, not the gateway's
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext http, HttpResponseMessage? proxyResponse,
        CancellationToken ct)
    {
        var result = await base.TransformResponseAsync(http, proxyResponse, ct);
        foreach (var name in ExAppHeaders.AppApiNames) http.Response.Headers.Remove(name);
        ForwardedHeaders.DropConnectionListed(proxyResponse, http.Response);
        return result;
    }

    private static void Drop(HttpRequestMessage request, string[] names)
    {
        foreach (var name in names) Drop(request, name);
    }

    private static void Drop(HttpRequestMessage request, string name)
    {
        request.Headers.Remove(name);
        request.Content?.Headers.Remove(name);
    }
}
