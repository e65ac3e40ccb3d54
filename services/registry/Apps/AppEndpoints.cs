using ExApps.Registry.Api;
using ExApps.Registry.Persistence;
using ExApps.Registry.Status;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExApps.Registry.Apps;

public static class AppEndpoints
{
    public static RouteGroupBuilder MapAppEndpoints(this RouteGroupBuilder admin)
    {
        var g = admin.MapGroup("/apps");
        g.MapPost("/", (RegisterAppRequest req, AppRegistrar registrar, CancellationToken ct) => registrar.RegisterAsync(req, ct));
        g.MapGet("/", List);
        g.MapGet("/{appId}", Get);
        g.MapGet("/{appId}/watch", (string appId, HttpContext http, AppWatch watch, CancellationToken ct) =>
            watch.StreamAsync(http, appId, ct));
        g.MapDelete("/{appId}", (string appId, bool? rm_data, bool? force, AppUnregistration unregistration, CancellationToken ct) =>
            unregistration.UnregisterAsync(appId, rm_data == true, force == true, ct));
        g.MapAppOperationEndpoints();
        Timeline.TimelineEndpoints.MapTimelineEndpoints(g);
        admin.MapGet("/watch/apps", (HttpContext http, AppWatch watch, CancellationToken ct) => watch.StreamAsync(http, null, ct));
        return g;
    }

    private static async Task<Ok<List<AppView>>> List(RegistryDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.ListAppsAsync(null, ct)).Select(a => a.ToView()).ToList());

    private static async Task<IResult> Get(string appId, RegistryDb db, CancellationToken ct) =>
        await db.FindAppAsync(appId, ct) is { } row
            ? TypedResults.Ok(row.ToView())
            : NotFound(appId);

    internal static IResult NotFound(string appId) =>
        Problems.Of(404, "app_not_found", $"ExApp {appId} not found.");
}
