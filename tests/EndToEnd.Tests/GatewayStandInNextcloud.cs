using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ExApps.EndToEnd.Tests;

/// <summary>A stand-in for the Nextcloud server behind the gateway (none exists here), served by Kestrel on
/// loopback: it knows two accounts (alice, a user; root, in the admin group) by basic auth or a session cookie,
/// answers <c>cloud/user</c> and the groups route as Nextcloud does, and records every other request it receives
/// (the core routes the gateway forwards).</summary>
public sealed class StandInNextcloud : IAsyncDisposable
{
    public const string AliceBasic = "Basic YWxpY2U6YWxpY2UtcHc="; // alice:alice-pw
    public const string RootBasic = "Basic cm9vdDpyb290LXB3";       // root:root-pw
    public const string AliceCookie = "nc_session=alice-session";
    /// <summary>The platform's own account (Gateway:NextcloudServiceUser/Password), an admin.</summary>
    public const string ServiceUser = "platform";
    public const string ServicePassword = "platform-pw";
    private static readonly string ServiceBasic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ServiceUser}:{ServicePassword}"));

    private readonly WebApplication _app;
    public string Url { get; }
    public ConcurrentQueue<(string Method, string PathAndQuery, Dictionary<string, string> Headers)> Received { get; } = new();
    /// <summary>Admin notifications received (the notifications app's API), in order.</summary>
    public ConcurrentQueue<(string User, string ShortMessage, string LongMessage)> Notifications { get; } = new();

    private StandInNextcloud(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<StandInNextcloud> StartAsync()
    {
        var url = $"http://127.0.0.1:{GatewayFixture.FreePort()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var nc = new StandInNextcloud(app, url);
        app.MapGet("/ocs/v2.php/cloud/user", (HttpContext http) => User(http) is { } id
            ? Results.Text(Ocs($"{{\"id\":\"{id}\"}}"), "application/json")
            : Results.Text(Ocs("[]", 997), "application/json", statusCode: 401));
        app.MapGet("/ocs/v2.php/cloud/users/{id}/groups", (string id, HttpContext http) => User(http) == id
            ? Results.Text(Ocs(id == "root" ? "{\"groups\":[\"admin\",\"staff\"]}" : "{\"groups\":[\"staff\"]}"), "application/json")
            : Results.StatusCode(403));
        // The provisioning API's user list and the notifications app's admin notifications, for the platform's
        // account only (as Nextcloud: both need an admin).
        app.MapGet("/ocs/v2.php/cloud/users", (HttpContext http) => http.Request.Headers.Authorization.ToString() == ServiceBasic
            ? Results.Text(Ocs("{\"users\":[\"alice\",\"root\",\"platform\"]}"), "application/json")
            : Results.Text(Ocs("[]", 997), "application/json", statusCode: 401));
        app.MapPost("/ocs/v2.php/apps/notifications/api/v2/admin_notifications/{user}", async (string user, HttpContext http) =>
        {
            if (http.Request.Headers.Authorization.ToString() != ServiceBasic) return Results.Text(Ocs("[]", 997), "application/json", statusCode: 401);
            var form = await http.Request.ReadFormAsync();
            nc.Notifications.Enqueue((user, form["shortMessage"].ToString(), form["longMessage"].ToString()));
            return Results.Text(Ocs("[]"), "application/json");
        });
        app.MapFallback(async (HttpContext http) =>
        {
            nc.Received.Enqueue((http.Request.Method, http.Request.Path + http.Request.QueryString,
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync($"{{\"stand_in_nextcloud\":true,\"method\":\"{http.Request.Method}\"}}");
        });
        await app.StartAsync();
        return nc;
    }

    private static string? User(HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        if (auth == AliceBasic || http.Request.Headers.Cookie.ToString().Contains(AliceCookie)) return "alice";
        if (auth == RootBasic) return "root";
        return null;
    }

    private static string Ocs(string data, int code = 200) =>
        $"{{\"ocs\":{{\"meta\":{{\"status\":\"{(code == 200 ? "ok" : "failure")}\",\"statuscode\":{code},\"message\":\"\"}},\"data\":{data}}}}}";

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>HTTP helpers of the gateway tests.</summary>
public static class GatewayHttp
{
    /// <summary>A client whose connections come from <paramref name="localIp"/> (any 127.x address reaches the
    /// gateway), so tests that trip the per-IP throttle do not affect each other.</summary>
    public static HttpClient From(string localIp) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (ctx, ct) =>
        {
            var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Parse(localIp), 0));
            await s.ConnectAsync(ctx.DnsEndPoint, ct);
            return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
        },
    }) { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>An ExApp request with AppAPI headers in the mixed case real clients use.</summary>
    public static HttpRequestMessage ExApp(HttpMethod method, string url, string? appId, string? secret, string user = "",
        string? json = null, string version = "1.0.0")
    {
        var req = new HttpRequestMessage(method, url);
        if (json is not null) req.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (appId is not null) req.Headers.TryAddWithoutValidation("Ex-App-Id", appId);
        req.Headers.TryAddWithoutValidation("Ex-App-Version", version);
        if (secret is not null)
            req.Headers.TryAddWithoutValidation("Authorization-App-Api", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        req.Headers.TryAddWithoutValidation("AA-VERSION", "32.0.0");
        req.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
        return req;
    }

    /// <summary>Sends a request line exactly as given (HttpClient would resolve <c>..</c> before sending).</summary>
    public static async Task<int> RawStatusAsync(string baseUrl, string pathAndQuery)
    {
        var uri = new Uri(baseUrl);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        await using var stream = client.GetStream();
        var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync() ?? "";
        return int.Parse(statusLine.Split(' ')[1]);
    }
}
