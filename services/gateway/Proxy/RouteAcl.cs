using System.Text.RegularExpressions;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Registry;

namespace ExApps.Gateway.Proxy;

public enum AccessLevel { Public = 0, User = 1, Admin = 2 }

/// <summary>The route ACL of the proxy (docs/protocol.md §6): the first route whose <c>url</c> regex (anchored at the start,
/// case-insensitive, against "/" + path) matches and whose comma-separated <c>verb</c> list holds the method
/// decides; PUBLIC lets anyone in, USER a logged-in user, ADMIN an admin. No such route: no access.</summary>
public static class RouteAcl
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>The route that decides, or null when none matches.</summary>
    public static AppRoute? Match(IEnumerable<AppRoute> routes, string method, string path)
    {
        var target = "/" + path.TrimStart('/');
        foreach (var route in routes)
        {
            if (!VerbAllowed(route.Verb, method)) continue;
            if (UrlMatches(route.Url, target)) return route;
        }
        return null;
    }

    public static bool Allows(AppRoute route, NextcloudUser? user) => (AccessLevel)route.AccessLevel switch
    {
        AccessLevel.Public => true,
        AccessLevel.User => user is not null,
        AccessLevel.Admin => user is { IsAdmin: true },
        _ => false,
    };

    public static bool VerbAllowed(string verbs, string method) =>
        verbs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(v => string.Equals(v, method, StringComparison.OrdinalIgnoreCase));

    public static bool UrlMatches(string pattern, string target)
    {
        try
        {
            // \A anchors at the start without changing what the pattern itself means (alternations stay grouped).
            return Regex.IsMatch(target, @"\A(?:" + pattern + ")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (Exception e) when (e is RegexMatchTimeoutException or ArgumentException)
        {
            return false; // a pathological or invalid pattern matches nothing
        }
    }
}
