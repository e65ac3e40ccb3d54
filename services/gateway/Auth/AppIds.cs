using System.Text.RegularExpressions;

namespace ExApps.Gateway.Auth;

/// <summary>ExApp ids (spec §2): at most 32 of letters, digits, '_' and '-'. Anything else cannot be an app, so it
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

/// <summary>Version ordering for the version-raise rule: dot-separated parts compared numerically where both are
/// numbers, else ordinally ("1.10.0" &gt; "1.9.2").</summary>
public static class AppVersion
{
    public static int Compare(string a, string b)
    {
        var x = a.Split('.');
        var y = b.Split('.');
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var p = i < x.Length ? x[i] : "0";
            var q = i < y.Length ? y[i] : "0";
            var c = long.TryParse(p, out var m) && long.TryParse(q, out var n) ? m.CompareTo(n) : string.CompareOrdinal(p, q);
            if (c != 0) return Math.Sign(c);
        }
        return 0;
    }
}
