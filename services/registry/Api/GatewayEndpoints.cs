using System.Text.Json;
using ExApps.Registry.AppConfig;
using ExApps.Registry.AppInfo;
using ExApps.Registry.Apps;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using ExApps.ServiceDefaults.Security;
using Npgsql;

namespace ExApps.Registry.Api;

/// <summary>Internal endpoints only the gateway calls (admin token; never exposed by the gateway): what the ExApp
/// proxy needs, and the storage behind the OCS config and preference routes (docs/internal-api.md).</summary>
public static class GatewayEndpoints
{
    public sealed record RouteView(string Url, string Verb, int AccessLevel, IReadOnlyList<string> HeadersToExclude,
        IReadOnlyList<int> BruteforceProtection);

    public sealed record AppRoutesView(string Appid, string Version, bool Enabled, string ExappUrl, string Secret,
        IReadOnlyList<RouteView> Routes);

    public static RouteGroupBuilder MapGatewayEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/apps/{appId}/routes", Routes);
        var config = group.MapGroup("/apps/{appId}/config");
        config.MapPost("/", (string appId, SetConfigRequest req, NpgsqlDataSource db, SecretProtector p, CancellationToken ct) =>
            Set(new ConfigStore(db, p, appId, null), appId, req, ct));
        config.MapPost("/get-values", (string appId, ConfigKeysRequest req, NpgsqlDataSource db, SecretProtector p, CancellationToken ct) =>
            Get(new ConfigStore(db, p, appId, null), req, ct));
        config.MapPost("/delete", (string appId, ConfigKeysRequest req, NpgsqlDataSource db, SecretProtector p, CancellationToken ct) =>
            Delete(new ConfigStore(db, p, appId, null), req, ct));
        var prefs = group.MapGroup("/apps/{appId}/preferences/{userId}");
        prefs.MapPost("/", async (string appId, string userId, SetConfigRequest req, NpgsqlDataSource db, SecretProtector p, CancellationToken ct) =>
            BadUser(userId) ?? await Set(new ConfigStore(db, p, appId, userId), appId, req, ct));
        prefs.MapPost("/get-values", async (string appId, string userId, ConfigKeysRequest req, NpgsqlDataSource db, SecretProtector p, CancellationToken ct) =>
            BadUser(userId) ?? await Get(new ConfigStore(db, p, appId, userId), req, ct));
        prefs.MapPost("/delete", async (string appId, string userId, ConfigKeysRequest req, NpgsqlDataSource db, SecretProtector p, CancellationToken ct) =>
            BadUser(userId) ?? await Delete(new ConfigStore(db, p, appId, userId), req, ct));
        return group;
    }

    private static async Task<IResult> Routes(string appId, RegistryDb db, SecretProtector protector, CancellationToken ct)
    {
        if (await db.FindAppWithDaemonAsync(appId, ct) is not { } found) return AppEndpoints.NotFound(appId);
        var app = found.App;
        var daemon = found.Daemon ?? throw AppOperationEndpoints.MissingDaemon(app);
        var routes = JsonSerializer.Deserialize<List<AppRoute>>(app.Routes) ?? [];
        return TypedResults.Ok(new AppRoutesView(app.AppId, app.Version, app.Enabled, ExAppUrl.For(daemon, app.AppId, app.Port),
            protector.Unprotect(app.SecretEnc),
            routes.Select(r => new RouteView(r.Url, r.Verb, r.AccessLevel, r.HeadersToExclude, r.BruteforceProtection)).ToList()));
    }

    private static async Task<IResult> Set(ConfigStore store, string appId, SetConfigRequest req, CancellationToken ct)
    {
        var key = req.Configkey ?? "";
        if (key.Length == 0) return Invalid("configkey", "Config key cannot be empty");
        if (key.Length > ConfigLimits.MaxKeyLength) return Invalid("configkey", $"`configKey` is longer than {ConfigLimits.MaxKeyLength} characters");
        if (SafeText.HasControl(key)) return Invalid("configkey", "`configKey` must not contain NUL or other control characters");
        var value = req.Configvalue ?? "";
        if (value.Length > ConfigLimits.MaxValueLength) return Invalid("configvalue", $"`configValue` is longer than {ConfigLimits.MaxValueLength} characters");
        if (SafeText.HasNul(value)) return Invalid("configvalue", "`configValue` must not contain NUL characters");
        return await store.SetAsync(key, value, req.Sensitive, ct) is { } entry
            ? TypedResults.Ok(entry)
            : AppEndpoints.NotFound(appId);
    }

    private static async Task<IResult> Get(ConfigStore store, ConfigKeysRequest req, CancellationToken ct) =>
        Keys(req) is { } bad ? bad : TypedResults.Ok(await store.GetAsync(req.Configkeys!, ct));

    private static async Task<IResult> Delete(ConfigStore store, ConfigKeysRequest req, CancellationToken ct) =>
        Keys(req) is { } bad ? bad : TypedResults.Ok(new { deleted = await store.DeleteAsync(req.Configkeys!, ct) });

    private static IResult? Keys(ConfigKeysRequest req)
    {
        if (req.Configkeys is null) return Invalid("configkeys", "configkeys must be a list of keys");
        if (req.Configkeys.Count > ConfigLimits.MaxKeysPerRequest)
            return Invalid("configkeys", $"At most {ConfigLimits.MaxKeysPerRequest} keys per request");
        if (req.Configkeys.Any(k => k is null || k.Length > ConfigLimits.MaxKeyLength || SafeText.HasControl(k)))
            return Invalid("configkeys", $"`configKeys` must be at most {ConfigLimits.MaxKeyLength} characters each, without control characters");
        return null;
    }

    private static IResult? BadUser(string userId) =>
        userId.Length > ConfigLimits.MaxUserIdLength ? Invalid("userid", $"User id is longer than {ConfigLimits.MaxUserIdLength} characters")
        : SafeText.HasControl(userId) ? Invalid("userid", "User id must not contain control characters")
        : null;

    private static IResult Invalid(string field, string message) =>
        Problems.Invalid(new Dictionary<string, string[]> { [field] = [message] });
}
