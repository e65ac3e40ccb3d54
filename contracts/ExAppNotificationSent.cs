namespace ExApps.Contracts;

/// <summary>Published by the gateway for every notification an ExApp sends to a user (AppAPI's
/// <c>api/v1/notification</c>). <see cref="Delivered"/> says whether the configured Nextcloud took it through its
/// notifications API; when no Nextcloud is configured a connector may deliver it from this event.</summary>
public sealed record ExAppNotificationSent
{
    public required string AppId { get; init; }
    public required string UserId { get; init; }
    /// <summary>AppAPI's answer shape as JSON text: app, user, datetime, object_type, object_id, subject, message,
    /// link, icon.</summary>
    public required string Notification { get; init; }
    public required bool Delivered { get; init; }
    public required DateTimeOffset SentAt { get; init; }
}
