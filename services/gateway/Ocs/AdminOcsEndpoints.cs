using ExApps.ServiceDefaults;
using System.Net;
using System.Text.Json.Nodes;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Proxy;
using ExApps.Gateway.Registry;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Ocs;

/// <summary>AppAPI's admin OCS routes (docs/protocol.md §6), for Nextcloud admins or the admin token (<see cref="OcsAdminFilter"/>).
/// App records come from the registry's admin API; shapes are AppAPI's.</summary>
public static class AdminOcsEndpoints
{
    public static RouteGroupBuilder MapAdminOcsEndpoints(this RouteGroupBuilder ocs)
    {
        var g = ocs.MapGroup("/api/v1/ex-app").AddSharedFilter<OcsAdminFilter>();
        g.MapGet("/{list}", List);
        g.MapGet("/info/{appId}", Info);
        g.MapPut("/{appId}/enabled", SetEnabled);
        g.MapPost("/request/{appId}", (string appId, HttpContext http, ExAppRequester requester, IOptions<GatewayOptions> o, CancellationToken ct) =>
            Request(appId, null, http, requester, o, ct));
        // Deprecated AppAPI form with the user in the path.
        g.MapPost("/request/{appId}/{userId}", (string appId, string userId, HttpContext http, ExAppRequester requester, IOptions<GatewayOptions> o, CancellationToken ct) =>
            Request(appId, userId, http, requester, o, ct));
        return g;
    }

    /// <summary>AppAPI's formatExAppInfo: <c>{id, name, version, enabled, status}</c>.</summary>
    private static JsonObject Format(JsonNode app) => new()
    {
        ["id"] = app["appid"]?.DeepClone(),
        ["name"] = app["name"]?.DeepClone(),
        ["version"] = app["version"]?.DeepClone(),
        ["enabled"] = app["enabled"]?.DeepClone(),
        ["status"] = app["status"]?.DeepClone(),
    };

    private static async Task<IResult> List(string list, RegistryClient registry, CancellationToken ct)
    {
        if (list is not ("all" or "enabled")) return OcsResult.Error(400, "The list must be `all` or `enabled`.");
        var answer = await registry.ListAppsAsync(ct);
        if (!answer.IsSuccess || answer.Body is not JsonArray apps) return OcsResult.Error(503, "The registry is unavailable; try again.");
        return OcsResult.Ok(apps.Where(a => a is not null && (list == "all" || a["enabled"]?.GetValue<bool>() == true))
            .Select(a => Format(a!)).ToList());
    }

    private static async Task<IResult> Info(string appId, RegistryClient registry, CancellationToken ct)
    {
        if (!AppIds.IsValid(appId)) return OcsResult.Error(OcsResult.NotFound, $"ExApp `{AppIds.ForLog(appId)}` not found");
        var answer = await registry.GetAppAsync(appId, ct);
        if (answer.Status == HttpStatusCode.NotFound) return OcsResult.Error(OcsResult.NotFound, $"ExApp `{appId}` not found");
        return answer.IsSuccess && answer.Body is not null ? OcsResult.Ok(Format(answer.Body)) : OcsResult.Error(503, "The registry is unavailable; try again.");
    }

    /// <summary>AppAPI answers 400 "ExApp already enabled/disabled"; enabling is started (the registry answers when
    /// the lifecycle accepted it), disabling waits for the lifecycle's Disabled.</summary>
    private static async Task<IResult> SetEnabled(string appId, HttpContext http, RegistryClient registry, AppCache cache,
        IOptions<GatewayOptions> o, CancellationToken ct)
    {
        if (!AppIds.IsValid(appId)) return OcsResult.Error(OcsResult.NotFound, $"ExApp `{AppIds.ForLog(appId)}` not found");
        var p = await OcsParameters.ReadAsync(http.Request, o.Value.Limits.MaxOcsBodyBytes, ct);
        bool enable = p["enabled"] switch
        {
            "1" or "true" => true,
            "0" or "false" => false,
            _ => throw new OcsRequestException("`enabled` must be 0 or 1."),
        };
        var current = await registry.GetAppAsync(appId, ct);
        if (current.Status == HttpStatusCode.NotFound) return OcsResult.Error(OcsResult.NotFound, $"ExApp `{appId}` not found");
        if (current.Body?["enabled"]?.GetValue<bool>() == enable)
            return OcsResult.Error(400, enable ? "ExApp already enabled" : "ExApp already disabled");
        var answer = await registry.SetEnabledAsync(appId, enable, ct);
        cache.Invalidate(appId);
        if (answer.IsSuccess) return OcsResult.Ok(Array.Empty<object>());
        return answer.Status == HttpStatusCode.NotFound
            ? OcsResult.Error(OcsResult.NotFound, $"ExApp `{appId}` not found")
            : OcsResult.Error(400, $"Failed to {(enable ? "enable" : "disable")} ExApp: {answer.Detail}");
    }

    private static async Task<IResult> Request(string appId, string? pathUserId, HttpContext http, ExAppRequester requester,
        IOptions<GatewayOptions> o, CancellationToken ct)
    {
        var p = await OcsParameters.ReadAsync(http.Request, o.Value.Limits.MaxOcsBodyBytes, ct);
        var route = p["route"] ?? throw new OcsRequestException("`route` is required.");
        var method = (p["method"] ?? "POST").ToUpperInvariant();
        if (method is not ("GET" or "POST" or "PUT" or "DELETE" or "PATCH" or "HEAD" or "OPTIONS"))
            throw new OcsRequestException($"`method` {method} is not an HTTP method the ExApp can be called with.");
        var result = await requester.SendAsync(appId, route, p["userId"] ?? pathUserId ?? "", method, p.Json("params"), ct);
        // AppAPI answers an unknown app with 200 and {error}; a failed call with 400 and {error}.
        return result.Error is { } error
            ? (result.NotFound ? OcsResult.Ok(new { error }) : OcsResult.Error(400, error, new { error }))
            : OcsResult.Ok(new { status_code = result.StatusCode, headers = result.Headers, body = result.Body });
    }
}
