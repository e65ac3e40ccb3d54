using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExApps.TestExApp;

/// <summary>Lets a test drive this app's calls to the platform: <c>POST /test/call</c> makes one AppAPI call with the
/// app's own credentials (EX-APP-ID, EX-APP-VERSION, AUTHORIZATION-APP-API with the given user, AA-VERSION) and
/// answers the platform's status and body, so registrations are made by the ExApp itself, in AppAPI's request
/// shapes. <c>POST /bots/...</c> is a Talk bot handler: it records what the platform's relay forwards
/// (<c>GET /test/bot-messages</c>).</summary>
public static class CallEndpoints
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static IEndpointRouteBuilder MapPlatformCallRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/test/call", Call);
        routes.MapGet("/test/bot-messages", (TestState state) => TypedResults.Ok(state.BotMessages()));
        routes.MapGroup("").AddEndpointFilter<AppApiAuthFilter>().MapPost("/bots/{**rest}", ReceiveBotMessage);
        return routes;
    }

    private static async Task<Ok<CallResult>> Call(CallRequest call, ExAppSettings settings, CancellationToken ct)
    {
        var url = $"{settings.NextcloudUrl}/ocs/{call.Ocs ?? "v1"}.php/apps/app_api/{call.Path.TrimStart('/')}";
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), url);
        if (call.Body is not null) request.Content = new StringContent(call.Body, Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("EX-APP-ID", settings.AppId);
        request.Headers.TryAddWithoutValidation("EX-APP-VERSION", settings.AppVersion);
        request.Headers.TryAddWithoutValidation("AUTHORIZATION-APP-API",
            Convert.ToBase64String(Encoding.UTF8.GetBytes((call.User ?? "") + ":" + settings.AppSecret)));
        request.Headers.TryAddWithoutValidation("AA-VERSION", settings.AaVersion);
        request.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
        try
        {
            using var response = await Http.SendAsync(request, ct);
            return TypedResults.Ok(new CallResult((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
        }
        catch (HttpRequestException e)
        {
            return TypedResults.Ok(new CallResult(0, e.Message));
        }
    }

    private static async Task<Ok<EmptyBody>> ReceiveBotMessage(HttpContext http, TestState state, CancellationToken ct)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(ct);
        var h = http.Request.Headers;
        state.BotMessageReceived(new BotMessage(http.Request.Path.Value ?? "", body, h["X-Nextcloud-Talk-Random"].ToString(),
            h["X-Nextcloud-Talk-Signature"].ToString(), http.Request.ContentType ?? ""));
        return TypedResults.Ok(new EmptyBody());
    }
}
