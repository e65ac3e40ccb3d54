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
    /// <summary>The route that decides, or null when none matches. Compiles the routes on every call: the proxy
    /// uses the <see cref="RouteTable"/> its app cache keeps instead.</summary>
    public static AppRoute? Match(IEnumerable<AppRoute> routes, string method, string path) =>
        RouteTable.Compile(routes.ToList()).Match(method, "/" + path.TrimStart('/'));

    public static bool Allows(AppRoute route, NextcloudUser? user) => (AccessLevel)route.AccessLevel switch
    {
        AccessLevel.Public => true,
        AccessLevel.User => user is not null,
        AccessLevel.Admin => user is { IsAdmin: true },
        _ => false,
    };
}

/// <summary>An app's routes compiled once per app record the gateway caches (not per request): each <c>url</c>
/// becomes one <see cref="Regex"/> (interpreted: a compiled one per route of hundreds of apps would cost memory and
/// start-up for little gain on paths this short), each <c>verb</c> list an array.</summary>
public sealed class RouteTable
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);
    private readonly Entry[] _entries;

    private sealed record Entry(AppRoute Route, string[] Verbs, Regex? Url);

    private RouteTable(Entry[] entries) => _entries = entries;

    public static RouteTable Compile(IReadOnlyList<AppRoute> routes) => new(routes.Select(r => new Entry(r,
        r.Verb.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), UrlRegex(r.Url))).ToArray());

    /// <summary>The first route whose verbs hold <paramref name="method"/> and whose url matches
    /// <paramref name="target"/> (a path starting with '/'); null when none does.</summary>
    public AppRoute? Match(string method, string target)
    {
        foreach (var entry in _entries)
        {
            if (!VerbAllowed(entry.Verbs, method) || entry.Url is null) continue;
            try
            {
                if (entry.Url.IsMatch(target)) return entry.Route;
            }
            catch (RegexMatchTimeoutException)
            {
                // a pathological pattern matches nothing
            }
        }
        return null;
    }

    private static bool VerbAllowed(string[] verbs, string method)
    {
        foreach (var verb in verbs)
            if (string.Equals(verb, method, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>\A anchors at the start without changing what the pattern itself means (alternations stay grouped);
    /// an invalid pattern (null here) matches nothing.</summary>
    private static Regex? UrlRegex(string pattern)
    {
        try
        {
            return new Regex(@"\A(?:" + pattern + ")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
