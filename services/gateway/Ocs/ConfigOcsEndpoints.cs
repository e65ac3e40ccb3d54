using System.Text.Json.Nodes;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Registry;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Ocs;

/// <summary>AppAPI's appconfig_ex and preferences_ex routes (docs/protocol.md §6), with AppAPI's request and answer shapes:
/// set (<c>configKey</c>, <c>configValue</c>, <c>sensitive</c>) answers the stored row; get-values
/// (<c>configKeys</c>) answers <c>[{configkey, configvalue}]</c>; delete answers the count, 404 when nothing was
/// deleted. The values live in the registry (encrypted when sensitive).</summary>
public static class ConfigOcsEndpoints
{
    public static RouteGroupBuilder MapConfigOcsEndpoints(this RouteGroupBuilder g)
    {
        foreach (var (path, perUser) in new[] { ("/api/v1/ex-app/config", false), ("/api/v1/ex-app/preference", true) })
        {
            g.MapPost(path, (HttpContext http, [AsParameters] ConfigDeps d, CancellationToken ct) => Set(http, d, perUser, ct));
            g.MapPost(path + "/get-values", (HttpContext http, [AsParameters] ConfigDeps d, CancellationToken ct) => GetValues(http, d, perUser, ct));
            g.MapDelete(path, (HttpContext http, [AsParameters] ConfigDeps d, CancellationToken ct) => Delete(http, d, perUser, ct));
        }
        return g;
    }

    /// <summary>The services every handler needs, bound as one parameter (marked as services: see RegistrationDeps).</summary>
    public sealed record ConfigDeps([FromServices] AppApiAuthenticator Auth, [FromServices] RegistryClient Registry,
        [FromServices] IOptions<GatewayOptions> Options);

    private static async Task<IResult> Set(HttpContext http, ConfigDeps d, bool perUser, CancellationToken ct)
    {
        var (caller, failure, p) = await Begin(http, d, perUser, ct);
        if (failure is not null) return failure;
        var key = p!["configKey"] ?? "";
        if (key.Length == 0) return OcsResult.Error(400, "Config key cannot be empty");
        int? sensitive = null;
        if (p["sensitive"] is { Length: > 0 } s)
            sensitive = s switch
            {
                "1" or "true" => 1,
                "0" or "false" => 0,
                _ => int.TryParse(s, out var n) ? n : throw new OcsRequestException("`sensitive` must be 0 or 1."),
            };
        var answer = await d.Registry.ConfigAsync(caller!.AppId, UserOf(caller, perUser), "",
            new { configkey = key, configvalue = p["configValue"] ?? "", sensitive }, ct);
        if (!answer.IsSuccess) return FromRegistry(answer, perUser ? "Failed to set user config value" : "Error setting app config value");
        // AppAPI's preference row has no user id in its JSON form; keep the shape per table.
        if (!perUser) (answer.Body as JsonObject)?.Remove("userid");
        return OcsResult.Ok(answer.Body);
    }

    private static async Task<IResult> GetValues(HttpContext http, ConfigDeps d, bool perUser, CancellationToken ct)
    {
        var (caller, failure, p) = await Begin(http, d, perUser, ct);
        if (failure is not null) return failure;
        var keys = p!.List("configKeys") ?? throw new OcsRequestException("`configKeys` (a list of keys) is required.");
        var answer = await d.Registry.ConfigAsync(caller!.AppId, UserOf(caller, perUser), "get-values", new { configkeys = keys }, ct);
        return answer.IsSuccess ? OcsResult.Ok(answer.Body) : FromRegistry(answer, "Error reading config values");
    }

    private static async Task<IResult> Delete(HttpContext http, ConfigDeps d, bool perUser, CancellationToken ct)
    {
        var (caller, failure, p) = await Begin(http, d, perUser, ct);
        if (failure is not null) return failure;
        var keys = p!.List("configKeys") ?? throw new OcsRequestException("`configKeys` (a list of keys) is required.");
        var answer = await d.Registry.ConfigAsync(caller!.AppId, UserOf(caller, perUser), "delete", new { configkeys = keys }, ct);
        if (!answer.IsSuccess)
            return FromRegistry(answer, perUser ? "Failed to delete user config values" : "Error deleting app config values");
        var deleted = answer.Body?["deleted"]?.GetValue<int>() ?? 0;
        return deleted == 0
            ? OcsResult.Error(OcsResult.NotFound, perUser ? "No preferences_ex values deleted" : "No appconfig_ex values deleted")
            : OcsResult.Ok(deleted);
    }

    private static async Task<(ExAppCaller?, IResult?, OcsParameters?)> Begin(HttpContext http, ConfigDeps d, bool perUser, CancellationToken ct)
    {
        var outcome = await d.Auth.AuthenticateAsync(http, _ => false, ct);
        if (outcome.Caller is not { } caller) return (null, outcome.Failure(), null);
        // Preferences belong to the user the ExApp acts for; a system call (no user) has none.
        if (perUser && caller.UserId.Length == 0)
            return (null, OcsResult.Error(400, "Preferences need a user: AUTHORIZATION-APP-API carries no user id."), null);
        return (caller, null, await OcsParameters.ReadAsync(http.Request, d.Options.Value.Limits.MaxOcsBodyBytes, ct));
    }

    private static string? UserOf(ExAppCaller caller, bool perUser) => perUser ? caller.UserId : null;

    /// <summary>A 400 of the registry carries a message meant for the caller; anything else is ours to hide.</summary>
    private static IResult FromRegistry(RegistryAnswer answer, string fallback) => (int)answer.Status switch
    {
        400 => OcsResult.Error(400, answer.Detail),
        404 => OcsResult.Error(OcsResult.NotFound, answer.Detail),
        _ => OcsResult.Error(400, fallback),
    };
}
