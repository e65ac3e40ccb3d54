using ExApps.Registry.Api;

namespace ExApps.Registry.Store;

/// <summary>An install or update from the app store that cannot go on; nothing has been stored. Answered as a
/// ProblemDetails with <see cref="ErrorCode"/>: <c>app_store_not_configured</c> (503), <c>app_store_unavailable</c>
/// (502), <c>app_not_in_store</c> (404), <c>no_compatible_release</c> (404), <c>release_refused</c> (422: the
/// certificate, signature, download or archive failed a check), <c>app_store_misconfigured</c> (503: the platform's
/// CA or CRL cannot be used).</summary>
public sealed class StoreException(int status, string errorCode, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string ErrorCode { get; } = errorCode;

    public IResult ToResult() => Problems.Of(Status, ErrorCode, Message);

    public static StoreException NotConfigured() => new(503, "app_store_not_configured",
        "No app store is configured (Registry:AppStore:Url): give the app info with --info-xml or --json-info, or configure a store.");
}
