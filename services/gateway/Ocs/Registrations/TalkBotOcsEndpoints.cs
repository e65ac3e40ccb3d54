using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Proxy;
using ExApps.Gateway.Registry;
using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;
using static ExApps.Gateway.Ocs.Registrations.RegistrationInput;

namespace ExApps.Gateway.Ocs.Registrations;

/// <summary>AppAPI's Talk bot routes: <c>POST api/v1/talk_bot</c> <c>{name, route, description}</c> answers the bot's
/// <c>{id, secret}</c> (derived as AppAPI does, kept on re-registration; docs/registrations.md), <c>DELETE</c>
/// <c>{route}</c> removes it; and the relay <c>POST api/v1/talk_proxy/{appId}/{route}</c> that Talk posts bot events
/// to, which forwards a post to the ExApp only when its <c>X-Nextcloud-Talk-Signature</c> is the HMAC-SHA256 of
/// <c>X-Nextcloud-Talk-Random</c> + body under the bot's secret. Anything else answers 404 and counts as a failed
/// attempt of the caller's address (AppAPI's throttler; here the <c>talk|address</c> bucket).</summary>
public static class TalkBotOcsEndpoints
{
    public const int MaxRoute = 512;
    private static readonly string[] ForwardedTalkHeaders = ["X-Nextcloud-Talk-Random", "X-Nextcloud-Talk-Signature", "X-Nextcloud-Talk-Backend"];

    public static RouteGroupBuilder MapTalkBotOcsEndpoints(this RouteGroupBuilder g)
    {
        g.MapPost("/api/v1/talk_bot", Register);
        g.MapDelete("/api/v1/talk_bot", Unregister);
        g.MapPost("/api/v1/talk_proxy/{appId}/{**route}", Relay);
        return g;
    }

    private static async Task<IResult> Register(HttpContext http, [AsParameters] RegistrationDeps d, CancellationToken ct)
    {
        var (caller, failure, p) = await RegistrationHandlers.BeginAsync(http, d, ct);
        if (failure is not null) return failure;
        string name, route, description;
        try
        {
            name = Text(p!, "name", 64);
            route = Path(p!, "route", MaxRoute);
            description = Text(p!, "description", 4000, "");
            if (p!["description"] is null) throw new OcsRequestException("`description` is required.");
        }
        catch (OcsRequestException e) { return OcsResult.Error(400, "Talk bots could not be registered: " + e.Message); }
        var publicUrl = d.Options.Value.PublicUrl is { Length: > 0 } u ? u : $"{http.Request.Scheme}://{http.Request.Host}";
        var url = $"{publicUrl}/ocs/v2.php/apps/app_api/api/v1/talk_proxy/{caller!.AppId}/{route}";
        var answer = await d.Registry.TalkBotAsync(caller.AppId, "", new { route, name, description, url }, ct);
        if (!answer.IsSuccess || answer.Body is not JsonObject keys)
            return RegistrationHandlers.FromRegistry(answer, "Talk bots could not be registered", "Talk bots could not be registered");
        return OcsResult.Ok(new JsonObject { ["id"] = keys["id"]?.DeepClone(), ["secret"] = keys["secret"]?.DeepClone() });
    }

    private static async Task<IResult> Unregister(HttpContext http, [AsParameters] RegistrationDeps d, CancellationToken ct)
    {
        var (caller, failure, p) = await RegistrationHandlers.BeginAsync(http, d, ct);
        if (failure is not null) return failure;
        string route;
        try { route = Path(p!, "route", MaxRoute); }
        catch (OcsRequestException e) { return OcsResult.Error(400, e.Message); }
        var answer = await d.Registry.TalkBotAsync(caller!.AppId, "delete", new { route }, ct);
        return answer.IsSuccess ? OcsResult.Ok(true)
            : RegistrationHandlers.FromRegistry(answer, "Talk bots could not be unregistered", "Talk bots could not be unregistered");
    }

    private static async Task<IResult> Relay(string appId, string route, HttpContext http, AppCache apps, RegistryClient registry,
        FailureThrottle throttle, ClientAddress addresses, IHttpClientFactory clients, IOptions<GatewayOptions> o,
        ILogger<TalkBotRelay> log, CancellationToken ct)
    {
        var ip = addresses.Of(http);
        var bucket = FailureThrottle.TalkKey(ip);
        if (!await throttle.Limiter.WaitAsync(bucket, ct)) return OcsResult.Error(429, FailureThrottle.TooManyMessage);
        var body = await ReadBodyAsync(http.Request, o.Value.Limits.MaxOcsBodyBytes, ct);

        AppRoutes? app = null;
        string? secret = null;
        var cleanRoute = route.TrimStart('/');
        if (AppIds.IsValid(appId) && IsRoute(cleanRoute) && await apps.RoutesAsync(appId, ct) is { Enabled: true } found)
        {
            app = found;
            var answer = await registry.TalkBotAsync(appId, "secret", new { route = cleanRoute }, ct);
            secret = answer.IsSuccess ? answer.Body?["secret"]?.GetValue<string>() : null;
        }
        var random = http.Request.Headers["X-Nextcloud-Talk-Random"].ToString();
        var signature = http.Request.Headers["X-Nextcloud-Talk-Signature"].ToString();
        var verdict = throttle.Limiter.Attempt(bucket, () => secret is not null && SignatureValid(secret, random, body, signature));
        if (verdict == AttemptVerdict.Refused) return OcsResult.Error(429, FailureThrottle.TooManyMessage);
        if (verdict == AttemptVerdict.Failed)
        {
            log.LogWarning("Invalid request to ExApp TalkBot {AppId} from {Ip}: {Reason}", AppIds.ForLog(appId), ip,
                secret is null ? "no such bot or app disabled" : "invalid signature");
            return OcsResult.Error(OcsResult.NotFound, "");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, app!.ExappUrl.TrimEnd('/') + "/" + cleanRoute)
        {
            Content = new ByteArrayContent(body),
        };
        if (http.Request.ContentType is { } type && SafeText.IsHeaderSafe(type)) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        foreach (var name in ForwardedTalkHeaders)
            if (http.Request.Headers[name].ToString() is { Length: > 0 } value && SafeText.IsHeaderSafe(value))
                request.Headers.TryAddWithoutValidation(name, value);
        ExAppRequester.AddAppApiHeaders(request.Headers, app, "");
        try
        {
            using var response = await clients.CreateClient(ExAppRequester.HttpClientName).SendAsync(request, ct);
            return OcsResult.Ok(Array.Empty<object>());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning("Talk bot message for ExApp {AppId} could not be forwarded: {Error}", appId, e.Message);
            return OcsResult.Error(OcsResult.ServerError, "");
        }
    }

    /// <summary>Talk's signature: lower-case hex HMAC-SHA256 of the random header followed by the raw body;
    /// compared in constant time (AppAPI: <c>hash_equals($digest, strtolower($signature))</c>).</summary>
    public static bool SignatureValid(string secret, string random, byte[] body, string signature)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        hmac.TransformBlock(Encoding.UTF8.GetBytes(random), 0, Encoding.UTF8.GetByteCount(random), null, 0);
        hmac.TransformFinalBlock(body, 0, body.Length);
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(hmac.Hash!));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(signature.ToLowerInvariant()));
    }

    private static bool IsRoute(string route)
    {
        try { CheckPath("route", route, MaxRoute); return true; }
        catch (OcsRequestException) { return false; }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long max, CancellationToken ct)
    {
        if (request.ContentLength > max) throw new OcsRequestException($"The request body is larger than {max} bytes.", 413);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) throw new OcsRequestException($"The request body is larger than {max} bytes.", 413);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}

/// <summary>The relay's log category.</summary>
public sealed class TalkBotRelay;
