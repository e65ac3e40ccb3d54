using Microsoft.AspNetCore.Http.HttpResults;

namespace ExApps.TestExApp;

/// <summary>The routes AppAPI itself calls on an ExApp (docs/protocol.md §5) plus the test-only state dump.</summary>
public static class ProtocolEndpoints
{
    public static IEndpointRouteBuilder MapExAppProtocol(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/heartbeat", Heartbeat);
        routes.MapGet("/test/state", State);
        routes.MapGet("/test/requests", (TestState state) => TypedResults.Ok(state.Requests()));

        var authed = routes.MapGroup("").AddEndpointFilter<AppApiAuthFilter>();
        authed.MapPost("/init", Init);
        authed.MapPut("/enabled", SetEnabled);
        return routes;
    }

    private static Results<Ok<StatusBody>, JsonHttpResult<StatusBody>> Heartbeat(ExAppSettings settings, TestState state) =>
        settings.IsHealthyAfter(state.Uptime)
            ? TypedResults.Ok(new StatusBody("ok"))
            : TypedResults.Json(new StatusBody("starting"), AppJsonContext.Default.StatusBody, statusCode: 503);

    private static Ok<StateSnapshot> State(TestState state) => TypedResults.Ok(state.Snapshot());

    private static Results<Ok<EmptyBody>, NotFound, StatusCodeHttpResult> Init(
        HttpContext http, ExAppSettings settings, TestState state, InitReporter reporter)
    {
        state.InitCalled();
        switch (settings.InitMode)
        {
            case "none": return TypedResults.NotFound();
            case "notimpl": return TypedResults.StatusCode(StatusCodes.Status501NotImplemented);
            case "fail500": return TypedResults.StatusCode(StatusCodes.Status500InternalServerError);
        }

        // Report only after the 200 is on the wire, as a real ExApp's background task would.
        http.Response.OnCompleted(() =>
        {
            reporter.Start();
            return Task.CompletedTask;
        });
        return TypedResults.Ok(new EmptyBody());
    }

    private static async Task<Ok<EnabledBody>> SetEnabled(int enabled, ExAppSettings settings, TestState state,
        PlatformCalls platform, CancellationToken ct)
    {
        state.EnabledCalled(enabled);
        if (settings.EnableMode == "calls" && enabled == 1)
            return TypedResults.Ok(new EnabledBody(await platform.FromEnabledHandlerAsync(ct)));
        return TypedResults.Ok(new EnabledBody(settings.EnableMode == "error" ? "enable refused by test" : ""));
    }
}
