using System.Buffers;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Registry;

namespace ExApps.Gateway.Proxy;

/// <summary>What the proxy needs of one ExApp, prepared once per app record the <see cref="AppCache"/> holds rather
/// than on every request: the record, its compiled <see cref="RouteTable"/>, the ExApp's URL without a trailing '/',
/// the AUTHORIZATION-APP-API value of an anonymous request, and the headers each route excludes.</summary>
public sealed class ProxyTarget
{
    /// <summary>RFC 9110 token characters: anything else cannot be a header name a request carries.</summary>
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly Dictionary<AppRoute, string[]> _excluded;

    public ProxyTarget(AppRoutes app)
    {
        App = app;
        var routes = app.Routes ?? [];
        Routes = RouteTable.Compile(routes);
        BaseUrl = app.ExappUrl.TrimEnd('/');
        AnonymousCredentials = Base64Credentials.Encode("", app.Secret);
        _excluded = new Dictionary<AppRoute, string[]>(ReferenceEqualityComparer.Instance);
        foreach (var route in routes)
            _excluded.TryAdd(route, (route.HeadersToExclude ?? []).Where(IsHeaderName).Distinct(StringComparer.OrdinalIgnoreCase).ToArray());
    }

    public AppRoutes App { get; }
    public RouteTable Routes { get; }
    public string BaseUrl { get; }
    public string AnonymousCredentials { get; }

    /// <summary>AUTHORIZATION-APP-API for <paramref name="userId"/> ("" for an anonymous request).</summary>
    public string Credentials(string userId) => userId.Length == 0 ? AnonymousCredentials : Base64Credentials.Encode(userId, App.Secret);

    /// <summary>The route's <c>headers_to_exclude</c> that can be header names at all.</summary>
    public string[] ExcludedHeaders(AppRoute route) => _excluded.TryGetValue(route, out var names) ? names : [];

    private static bool IsHeaderName(string name) => name.Length > 0 && !name.AsSpan().ContainsAnyExcept(TokenChars);
}
