using System.Text.RegularExpressions;

namespace ExApps.Gateway.Auth;

/// <summary>ExApp ids (docs/protocol.md §2): at most 32 of letters, digits, '_' and '-'. Anything else cannot be an app, so it
/// is rejected before the registry is asked.</summary>
public static partial class AppIds
{
    public const int MaxLength = 32;

    public static bool IsValid(string? appId) => appId is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(appId);

    /// <summary>A header value may be anything: log it only when it is a plausible id.</summary>
    public static string ForLog(string appId) => IsValid(appId) ? appId : appId.Length == 0 ? "(none)" : "(invalid id)";

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex Pattern();
}
