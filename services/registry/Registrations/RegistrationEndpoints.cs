using System.Text.Json.Nodes;
using ExApps.Registry.Api;
using ExApps.Registry.Apps;
using ExApps.Registry.Validation;

namespace ExApps.Registry.Registrations;

/// <summary>A registration request of the gateway: the key's parts and, to save, AppAPI's fields.</summary>
public sealed record RegistrationRequest(IReadOnlyList<string>? Key, JsonNode? Data);

/// <summary><c>POST /internal/apps/{appId}/talk-bots</c>: a bot's route, name and description, and the URL Talk
/// posts to (the gateway's relay).</summary>
public sealed record TalkBotRequest(string? Route, string? Name, string? Description, string? Url);

/// <summary>The registry's side of the registration routes (docs/registrations.md): internal routes the gateway's
/// OCS handlers call (admin token, never exposed), and the admin routes a Nextcloud-side connector reads.</summary>
public static class RegistrationEndpoints
{
    public static RouteGroupBuilder MapRegistrationInternalEndpoints(this RouteGroupBuilder internalApi)
    {
        var g = internalApi.MapGroup("/apps/{appId}/registrations/{kind}");
        g.MapPost("/", async (string appId, string kind, RegistrationRequest req, RegistrationStore store, CancellationToken ct) =>
            RegistrationKinds.Check(kind, req.Key, req.Data, needsData: true) is { } bad ? Problems.Invalid(bad)
            : await store.SaveAsync(appId, kind, req.Key!, (JsonObject)req.Data!, ct) is { } saved ? TypedResults.Ok(saved)
            : AppEndpoints.NotFound(appId));
        g.MapPost("/get", async (string appId, string kind, RegistrationRequest req, RegistrationStore store, CancellationToken ct) =>
            RegistrationKinds.Check(kind, req.Key, null, needsData: false) is { } bad ? Problems.Invalid(bad)
            : await store.GetAsync(appId, kind, req.Key!, ct) is { } found ? TypedResults.Ok(found)
            : NotFound(appId, kind));
        g.MapPost("/delete", async (string appId, string kind, RegistrationRequest req, RegistrationStore store, CancellationToken ct) =>
            RegistrationKinds.Check(kind, req.Key, null, needsData: false) is { } bad ? Problems.Invalid(bad)
            : await store.DeleteAsync(appId, kind, req.Key!, ct) ? TypedResults.Ok(new { deleted = 1 })
            : NotFound(appId, kind));

        var bots = internalApi.MapGroup("/apps/{appId}/talk-bots");
        bots.MapPost("/", RegisterBot);
        bots.MapPost("/delete", async (string appId, TalkBotRequest req, TalkBotStore store, CancellationToken ct) =>
            BadRoute(req.Route) ?? (await store.UnregisterAsync(appId, req.Route!, ct) ? TypedResults.Ok(new { deleted = 1 }) : NotFound(appId, "talk_bot")));
        bots.MapPost("/secret", async (string appId, TalkBotRequest req, TalkBotStore store, CancellationToken ct) =>
            BadRoute(req.Route) ?? (await store.SecretAsync(appId, req.Route!, ct) is { } keys ? TypedResults.Ok(keys) : NotFound(appId, "talk_bot")));
        return internalApi;
    }

    public static RouteGroupBuilder MapRegistrationAdminEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/registrations", async (string? kind, RegistrationStore store, CancellationToken ct) =>
            BadKind(kind) ?? TypedResults.Ok(await store.ListAsync(null, kind, ct)));
        admin.MapGet("/apps/{appId}/registrations", async (string appId, string? kind, Persistence.RegistryDb db, RegistrationStore store, CancellationToken ct) =>
            BadKind(kind) ?? (await db.AppExistsAsync(appId, ct)
                ? TypedResults.Ok(await store.ListAsync(appId, kind, ct))
                : AppEndpoints.NotFound(appId)));
        // The one answer that carries a bot secret: Talk needs it to sign what it posts, so the connector that
        // installs the bot in Talk reads it here with the admin token. Events and listings never carry it.
        admin.MapGet("/apps/{appId}/talk-bots/{botId}/secret", async (string appId, string botId, RegistrationStore store,
            TalkBotStore bots, CancellationToken ct) =>
        {
            var bot = (await store.ListAsync(appId, RegistrationKinds.TalkBot, ct)).FirstOrDefault(b => b.Data?["id"]?.GetValue<string>() == botId);
            return bot is not null && await bots.SecretAsync(appId, bot.Key[0], ct) is { } keys
                ? TypedResults.Ok(keys)
                : NotFound(appId, "talk_bot");
        });
        return admin;
    }

    private static async Task<IResult> RegisterBot(string appId, TalkBotRequest req, TalkBotStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (BadRoute(req.Route) is not null) errors["route"] = [$"`route` must be 1-{RegistrationKinds.MaxKeyPart} characters without control characters."];
        if (req.Name is null || FieldRules.Text("name", req.Name, 255) is not null) errors["name"] = [$"`name` must be at most 255 characters without control characters."];
        if (req.Description is null || FieldRules.Text("description", req.Description, 4096) is not null) errors["description"] = ["`description` must be at most 4096 characters without control characters."];
        if (req.Url is null || FieldRules.Text("url", req.Url, InputLimits.NextcloudUrl) is not null) errors["url"] = ["`url` must be an absolute URL."];
        if (errors.Count > 0) return Problems.Invalid(errors);
        return await store.RegisterAsync(appId, req.Route!, req.Name!, req.Description!, req.Url!, ct) is { } keys
            ? TypedResults.Ok(keys)
            : AppEndpoints.NotFound(appId);
    }

    private static IResult? BadRoute(string? route) =>
        route is { Length: > 0 } r && FieldRules.Text("route", r, RegistrationKinds.MaxKeyPart) is null ? null
        : Problems.Invalid(new() { ["route"] = [$"`route` must be 1-{RegistrationKinds.MaxKeyPart} characters without control characters."] });

    private static IResult? BadKind(string? kind) =>
        kind is null || RegistrationKinds.KeyParts.ContainsKey(kind) ? null
        : Problems.Invalid(new() { ["kind"] = [$"`kind` must be one of {string.Join(", ", RegistrationKinds.KeyParts.Keys)}."] });

    private static IResult NotFound(string appId, string kind) =>
        Problems.Of(404, "registration_not_found", $"ExApp {appId} has no such {kind} registration.");
}
