using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ExApps.Contracts;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Nextcloud;
using ExApps.Gateway.Ocs.Registrations;
using MassTransit;
using Microsoft.Extensions.Options;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Gateway.Ocs;

/// <summary>The AppAPI routes whose answer comes from Nextcloud itself: the user list (read with the platform's
/// Nextcloud account), the Nextcloud URL, and notifications (delivered to the configured Nextcloud through its
/// notifications app, and announced on the bus as <see cref="ExAppNotificationSent"/>).</summary>
public static partial class NextcloudOcsEndpoints
{
    public static RouteGroupBuilder MapNextcloudOcsEndpoints(this RouteGroupBuilder g)
    {
        g.MapGet("/api/v1/users", Users);
        g.MapGet("/api/v1/info/nextcloud_url", NextcloudUrl);
        g.MapPost("/api/v1/notification", Notify);
        return g;
    }

    /// <summary>AppAPI: <c>searchDisplayName('')</c> mapped to user ids.</summary>
    private static async Task<IResult> Users(HttpContext http, AppApiAuthenticator auth, NextcloudServiceAccount nextcloud, CancellationToken ct)
    {
        var outcome = await auth.AuthenticateAsync(http, _ => false, ct);
        if (outcome.Caller is null) return outcome.Failure();
        try { return OcsResult.Ok(await nextcloud.UserIdsAsync(ct)); }
        catch (NextcloudUnavailableException e) { return OcsResult.Error(e.Status, e.Message); }
    }

    /// <summary>AppAPI: <c>{base_url: IURLGenerator::getBaseUrl()}</c>, Nextcloud's public URL.</summary>
    private static async Task<IResult> NextcloudUrl(HttpContext http, AppApiAuthenticator auth, IOptions<GatewayOptions> o, CancellationToken ct)
    {
        var outcome = await auth.AuthenticateAsync(http, _ => false, ct);
        if (outcome.Caller is null) return outcome.Failure();
        if (o.Value.PublicUrl.Length == 0)
            return OcsResult.Error(503, "No Nextcloud is configured (Gateway:NextcloudUrl or Gateway:NextcloudPublicUrl).");
        return OcsResult.Ok(new Dictionary<string, string> { ["base_url"] = o.Value.PublicUrl });
    }

    /// <summary>AppAPI's sendNotification: <c>{params: {object, object_id, subject_type, subject_params}}</c> for
    /// the user in AUTHORIZATION-APP-API; answers the notification as AppAPI does.</summary>
    private static async Task<IResult> Notify(HttpContext http, [AsParameters] RegistrationDeps d, NextcloudServiceAccount nextcloud,
        IPublishEndpoint bus, TimeProvider clock, ILogger<NextcloudServiceAccount> log, CancellationToken ct)
    {
        var (caller, failure, p) = await RegistrationHandlers.BeginAsync(http, d, ct);
        if (failure is not null) return failure;
        if (caller!.UserId.Length == 0) return OcsResult.Error(400, "A notification needs a user: AUTHORIZATION-APP-API carries no user id.");
        JsonObject notification;
        try { notification = Notification(caller.AppId, caller.UserId, RegistrationInput.Json(p!, "params", required: true) as JsonObject, clock.GetUtcNow()); }
        catch (OcsRequestException e) { return OcsResult.Error(400, e.Message); }

        var delivered = false;
        if (nextcloud.IsConfigured)
        {
            try
            {
                await nextcloud.NotifyAsync(caller.UserId, notification["subject"]!.GetValue<string>(), notification["message"]!.GetValue<string>(), ct);
                delivered = true;
            }
            catch (NextcloudUnavailableException e)
            {
                log.LogWarning("Notification of ExApp {AppId} not delivered: {Error}", caller.AppId, e.Message);
                return OcsResult.Error(e.Status, e.Message);
            }
        }
        await bus.PublishBounded(new ExAppNotificationSent
        {
            AppId = caller.AppId, UserId = caller.UserId, Notification = notification.ToJsonString(), Delivered = delivered, SentAt = clock.GetUtcNow(),
        }, ct);
        return OcsResult.Ok(notification);
    }

    /// <summary>The notification as AppAPI answers it; its subject and message are AppAPI's rich texts with the
    /// <c>{placeholders}</c> replaced by their parameters' names, as Nextcloud shows them.</summary>
    public static JsonObject Notification(string appId, string userId, JsonObject? parameters, DateTimeOffset now)
    {
        if (parameters is null) throw new OcsRequestException("`params` must be a JSON object.");
        var objectType = RegistrationInput.CheckText("params.object", Str(parameters, "object"), 64);
        var objectId = RegistrationInput.CheckText("params.object_id", Str(parameters, "object_id"), 64);
        RegistrationInput.CheckText("params.subject_type", Str(parameters, "subject_type"), 64);
        if (parameters["subject_params"] is not JsonObject subject)
            throw new OcsRequestException("`params.subject_params` must be a JSON object.");
        RegistrationInput.CheckJson("params.subject_params", subject, allowArray: false);
        var richSubject = Optional(subject, "rich_subject", 255);
        var richMessage = Optional(subject, "rich_message", 4000, multiLine: true);
        return new JsonObject
        {
            ["app"] = appId,
            ["user"] = userId,
            ["datetime"] = now.ToString("yyyy-MM-ddTHH:mm:sszzz"),
            ["object_type"] = objectType,
            ["object_id"] = objectId,
            ["subject"] = Fill(richSubject, subject["rich_subject_params"]),
            ["message"] = Fill(richMessage, subject["rich_message_params"]),
            ["link"] = Optional(subject, "link", 4000),
            ["icon"] = Optional(subject, "icon", 4000),
        };
    }

    private static string Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new OcsRequestException($"`params.{key}` must be a string.");

    private static string Optional(JsonObject o, string key, int max, bool multiLine = false)
    {
        if (o[key] is null) return "";
        if (o[key] is not JsonValue v || !v.TryGetValue<string>(out var s)) throw new OcsRequestException($"`params.subject_params.{key}` must be a string.");
        if (s.Length > max) throw new OcsRequestException($"`params.subject_params.{key}` must be at most {max} characters.");
        if (multiLine ? ServiceDefaults.Security.SafeText.HasControlExceptLineBreaks(s) : ServiceDefaults.Security.SafeText.HasControl(s))
            throw new OcsRequestException($"`params.subject_params.{key}` must not contain control characters.");
        return s;
    }

    private static string Fill(string rich, JsonNode? parameters) => parameters is not JsonObject values ? rich
        : Placeholder().Replace(rich, m => values[m.Groups[1].Value] is JsonObject p && p["name"] is JsonValue name
            && name.GetValueKind() == JsonValueKind.String ? name.GetValue<string>() : m.Value);

    [GeneratedRegex(@"\{([A-Za-z0-9_-]+)\}")]
    private static partial Regex Placeholder();
}
