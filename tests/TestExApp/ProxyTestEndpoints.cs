using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExApps.TestExApp;

/// <summary>Routes the proxy tests reach through <c>/index.php/apps/app_api/proxy/{appId}/...</c> (docs/protocol.md §6).</summary>
public static class ProxyTestEndpoints
{
    private static readonly string[] EchoMethods = ["GET", "POST", "PUT", "DELETE"];

    public static IEndpointRouteBuilder MapProxyTestRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/public", () => TypedResults.Text("public"));

        var authed = routes.MapGroup("").AddEndpointFilter<AppApiAuthFilter>();
        authed.MapMethods("/api/{**rest}", EchoMethods, Echo);
        authed.MapGet("/admin/{**rest}", Echo);
        authed.MapGet("/ws", WebSocketEcho);
        return routes;
    }

    // The CancellationToken parameter also keeps these from binding as a bare RequestDelegate (ASP0016).
    private static async Task<Ok<EchoBody>> Echo(HttpContext http, CancellationToken aborted)
    {
        var request = http.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(aborted);
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        return TypedResults.Ok(new EchoBody(
            request.Method,
            request.Path.Value ?? "",
            request.QueryString.Value ?? "",
            http.Items[AppApiAuthFilter.UserIdItem] as string,
            headers,
            body));
    }

    private static async Task<Results<EmptyHttpResult, BadRequest<MessageBody>>> WebSocketEcho(HttpContext http, CancellationToken aborted)
    {
        if (!http.WebSockets.IsWebSocketRequest) return TypedResults.BadRequest(new MessageBody("WebSocket upgrade expected"));

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, aborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", aborted);
                return TypedResults.Empty;
            }
            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, aborted);
        }
    }
}
