using ExApps.Registry.Api;
using ExApps.Registry.Apps;
using ExApps.Registry.Persistence;
using Npgsql;

namespace ExApps.Registry.Timeline;

/// <summary><c>GET /admin/apps/{appid}/events?limit=N</c>: the app's timeline, oldest first (app:events, the
/// console's timeline).</summary>
public static class TimelineEndpoints
{
    public static RouteGroupBuilder MapTimelineEndpoints(this RouteGroupBuilder apps)
    {
        apps.MapGet("/{appId}/events", Events);
        return apps;
    }

    private static async Task<IResult> Events(string appId, int? limit, RegistryDb db, NpgsqlDataSource dataSource,
        CancellationToken ct)
    {
        if (limit is < 1 or > AppTimeline.MaxPerApp)
            return Problems.Invalid(new() { ["limit"] = [$"`limit` must be 1 to {AppTimeline.MaxPerApp}."] });
        if (!await db.AppExistsAsync(appId, ct)) return AppEndpoints.NotFound(appId);
        return TypedResults.Ok(await AppTimeline.ReadAsync(dataSource, appId, limit ?? AppTimeline.MaxPerApp, ct));
    }
}
