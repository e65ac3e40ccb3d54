using System.Text.Json;
using ExApps.AppReleases;
using ExApps.AppStore.Accounts;
using ExApps.AppStore.Publishing;
using ExApps.AppStore.Releases;

namespace ExApps.AppStore.Api;

/// <summary>Tokens, app registration, release publishing and deletion. Order of checks as in the real store:
/// authentication (401), throttle (429), then the request (400), ownership (403) or existence (404).</summary>
public static class PublishEndpoints
{
    public static void MapPublishEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/token", Token);
        api.MapPost("/token/new", NewToken);
        api.MapPost("/apps", Register);
        api.MapPost("/apps/releases", Publish);
        api.MapDelete("/apps/{appId}", DeleteApp);
        api.MapDelete("/apps/{appId}/releases/{version}", DeleteRelease);
        api.MapDelete("/apps/{appId}/releases/nightly/{version}", DeleteNightly);
    }

    private static async Task<IResult> Token(HttpContext http, AccountStore accounts)
    {
        var auth = await ApiAuth.AuthenticateAsync(http, accounts, allowBasic: true, allowToken: false);
        if (auth.Failure is not null) return auth.Failure;
        return TypedResults.Json(new { token = await accounts.GetOrCreateTokenAsync(auth.Account!.Id, http.RequestAborted) });
    }

    private static async Task<IResult> NewToken(HttpContext http, AccountStore accounts)
    {
        var auth = await ApiAuth.AuthenticateAsync(http, accounts);
        if (auth.Failure is not null) return auth.Failure;
        return TypedResults.Json(new { token = await accounts.NewTokenAsync(auth.Account!.Id, http.RequestAborted) });
    }

    private static Task<IResult> Register(HttpContext http, AccountStore accounts, Throttle throttle, ReleasePublisher publisher) =>
        Guarded(http, accounts, throttle, Throttle.AppRegister, async (account, body) =>
        {
            var status = await publisher.RegisterAsync(account.Id, body.Get("certificate"), body.Get("signature"), http.RequestAborted);
            return TypedResults.StatusCode(status);
        });

    private static Task<IResult> Publish(HttpContext http, AccountStore accounts, Throttle throttle, ReleasePublisher publisher) =>
        Guarded(http, accounts, throttle, Throttle.AppUpload, async (account, body) =>
        {
            var nightly = body.Get("nightly") is { } n && (n.Equals("true", StringComparison.OrdinalIgnoreCase) || n == "1");
            var request = new PublishRequest(body.Get("download"), body.Get("signature"), nightly, body.Get("appId"), body.Get("version"));
            var status = await publisher.PublishAsync(account.Id, request, http.RequestAborted);
            return TypedResults.StatusCode(status);
        });

    private static async Task<IResult> DeleteApp(string appId, HttpContext http, AccountStore accounts, AppRepository apps)
    {
        var auth = await ApiAuth.AuthenticateAsync(http, accounts);
        if (auth.Failure is not null) return auth.Failure;
        try
        {
            return await apps.DeleteAppAsync(appId, auth.Account!.Id, http.RequestAborted)
                ? TypedResults.NoContent() : ApiErrors.NotFound($"App {appId} does not exist.");
        }
        catch (ForbiddenException e) { return ApiErrors.Forbidden(e.Message); }
    }

    private static Task<IResult> DeleteRelease(string appId, string version, HttpContext http, AccountStore accounts, AppRepository apps) =>
        DeleteReleaseCore(appId, version, nightly: false, http, accounts, apps);

    private static Task<IResult> DeleteNightly(string appId, string version, HttpContext http, AccountStore accounts, AppRepository apps) =>
        DeleteReleaseCore(appId, version, nightly: true, http, accounts, apps);

    private static async Task<IResult> DeleteReleaseCore(string appId, string version, bool nightly, HttpContext http,
        AccountStore accounts, AppRepository apps)
    {
        var auth = await ApiAuth.AuthenticateAsync(http, accounts);
        if (auth.Failure is not null) return auth.Failure;
        try
        {
            return await apps.DeleteReleaseAsync(appId, version, nightly, auth.Account!.Id, http.RequestAborted)
                ? TypedResults.NoContent()
                : ApiErrors.NotFound($"App {appId} has no {(nightly ? "nightly " : "")}release {version}.");
        }
        catch (ForbiddenException e) { return ApiErrors.Forbidden(e.Message); }
    }

    private static async Task<IResult> Guarded(HttpContext http, AccountStore accounts, Throttle throttle, string scope,
        Func<Account, RequestBody, Task<IResult>> action)
    {
        var auth = await ApiAuth.AuthenticateAsync(http, accounts);
        if (auth.Failure is not null) return auth.Failure;
        if (await throttle.HitAsync(auth.Account!.Id, scope, http.RequestAborted) is { } wait) return ApiErrors.Throttled(http, wait);
        var body = await RequestBody.ReadAsync(http.Request);
        if (body is null) return ApiErrors.BadRequest("The request body must be a JSON object (Content-Type: application/json) or a form.");
        try
        {
            return await action(auth.Account, body);
        }
        catch (ReleaseCheckException e) { return ApiErrors.BadRequest(e.Message); }
        catch (ForbiddenException e) { return ApiErrors.Forbidden(e.Message); }
        catch (StoreConfigurationException e)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ExApps.AppStore.Publishing")
                .LogError(e, "Refused a {Scope} request: the store's certificate settings are unusable", scope);
            return ApiErrors.Of(StatusCodes.Status503ServiceUnavailable, "The store cannot check certificates right now (its CA or CRL file is unusable); try again later.");
        }
    }
}

/// <summary>A POST body as JSON object or form fields, values as text.</summary>
public sealed class RequestBody(Dictionary<string, string?> fields)
{
    public string? Get(string name) => fields.GetValueOrDefault(name);

    public static async Task<RequestBody?> ReadAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return new RequestBody(form.ToDictionary(f => f.Key, f => (string?)f.Value.ToString()));
        }
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            return new RequestBody(doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => null,
                _ => p.Value.GetRawText(),
            }));
        }
        catch (JsonException) { return null; }
    }
}
