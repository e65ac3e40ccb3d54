using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ExApps.Contracts;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Registry;

namespace ExApps.Gateway.Proxy;

/// <summary>The answer of an ExApp to <c>ex-app/request</c>, in AppAPI's shape; <see cref="Error"/> when the
/// call could not be made.</summary>
public sealed record ExAppCallResult(int StatusCode, Dictionary<string, string[]> Headers, string Body, string? Error = null,
    bool NotFound = false);

/// <summary>AppAPI's requestToExApp: calls a route of an ExApp with the §4.2 headers on behalf of a user (or the
/// system), parameters in the query for GET and as a JSON body otherwise.</summary>
public sealed class ExAppRequester(AppCache apps, IHttpClientFactory clients)
{
    public const string HttpClientName = "exapp";
    private const long MaxBodyChars = 16 * 1024 * 1024;

    public async Task<ExAppCallResult> SendAsync(string appId, string route, string userId, string method, JsonNode? parameters,
        CancellationToken ct)
    {
        var app = AppIds.IsValid(appId) ? await apps.RoutesAsync(appId, ct) : null;
        if (app is null) return Failed($"ExApp `{AppIds.ForLog(appId)}` not found", notFound: true);
        if (route.Contains("://") || PathGuard.HasTraversal(route))
            return Failed("The route must be a path of the ExApp without `..` segments.");
        var q = route.IndexOf('?');
        if (ProxyPath.Normalize(q >= 0 ? route[..q] : route, out var reason) is null)
            return Failed(reason.Replace("proxied path", "route"));
        if (q >= 0 && ServiceDefaults.Security.SafeText.HasControl(route[q..]))
            return Failed("The route's query holds control characters.");
        if (userId.Length > AppApiAuthenticator.MaxUserIdLength || ServiceDefaults.Security.SafeText.HasControl(userId))
            return Failed($"`userId` must be at most {AppApiAuthenticator.MaxUserIdLength} characters without control characters.");

        var url = app.ExappUrl.TrimEnd('/') + "/" + route.TrimStart('/');
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "GET" or "HEAD")
        {
            if (parameters is JsonObject query && query.Count > 0)
                request.RequestUri = new Uri(url + (url.Contains('?') ? "&" : "?") + QueryString(query));
        }
        else
        {
            request.Content = new StringContent((parameters ?? new JsonArray()).ToJsonString(), Encoding.UTF8, "application/json");
        }
        AddAppApiHeaders(request.Headers, app, userId);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var headers = response.Headers.Concat(response.Content.Headers)
                .Where(h => !ExAppHeaders.AppApi.Contains(h.Key))
                .ToDictionary(h => h.Key, h => h.Value.ToArray());
            var body = await response.Content.ReadAsStringAsync(ct);
            if (body.Length > MaxBodyChars) return Failed("The ExApp's answer is too large to return here.");
            return new ExAppCallResult((int)response.StatusCode, headers, body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return Failed($"Request to ExApp `{appId}` failed: {e.Message}");
        }
    }

    /// <summary>Spec §4.2; the stored version exactly, as ExApps compare it.</summary>
    public static void AddAppApiHeaders(HttpRequestHeaders headers, AppRoutes app, string userId) =>
        AddEncodedAppApiHeaders(headers, app, Base64Credentials.Encode(userId, app.Secret));

    /// <param name="credentials">AUTHORIZATION-APP-API, already encoded (the proxy keeps an app's anonymous one).</param>
    public static void AddEncodedAppApiHeaders(HttpRequestHeaders headers, AppRoutes app, string credentials)
    {
        headers.TryAddWithoutValidation("AA-VERSION", AppApiProtocol.Version);
        headers.TryAddWithoutValidation("EX-APP-ID", app.Appid);
        headers.TryAddWithoutValidation("EX-APP-VERSION", app.Version);
        headers.TryAddWithoutValidation("AUTHORIZATION-APP-API", credentials);
        headers.TryAddWithoutValidation("AA-REQUEST-ID", NewRequestId());
    }

    /// <summary>A request id for AA-REQUEST-ID: 32 hex digits, like a GUID without dashes. It only has to be unique
    /// enough to follow one request through the logs, not unguessable: the process's random generator, not
    /// <see cref="Guid.NewGuid"/>, which on Linux reads /dev/urandom with a system call every time (one per proxied
    /// request, measured with strace; docs/performance.md).</summary>
    public static string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static string QueryString(JsonObject query) => string.Join("&", query.SelectMany(kv => kv.Value is JsonArray arr
        ? arr.Select(v => $"{Uri.EscapeDataString(kv.Key)}[]={Uri.EscapeDataString(Scalar(v))}")
        : [$"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(Scalar(kv.Value))}"]));

    private static string Scalar(JsonNode? v) => v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? "";

    private static ExAppCallResult Failed(string error, bool notFound = false) => new(0, [], "", error, notFound);
}
