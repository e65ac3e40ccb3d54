using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Console;

/// <summary>How a console request proves itself: the session cookie for everything, plus the session's CSRF token
/// in the <c>X-CSRF-Token</c> header (and no foreign <c>Origin</c>) for every change. SameSite=Strict already keeps
/// the cookie off cross-site requests; the token makes a change impossible for any page that cannot read the
/// console's own pages.</summary>
public sealed class ConsoleAuth(ConsoleSessions sessions, IOptions<ConsoleOptions> options)
{
    public const string CookieName = "exapps_console";
    public const string CsrfHeader = "X-CSRF-Token";

    public bool Enabled => options.Value.Enabled;

    /// <summary>The session the request's cookie names, or null.</summary>
    public ConsoleSession? SessionOf(HttpContext http) =>
        Enabled && http.Request.Cookies.TryGetValue(CookieName, out var id) ? sessions.Find(id) : null;

    public bool HasCookie(HttpContext http) => Enabled && http.Request.Cookies.ContainsKey(CookieName);

    public static bool IsChange(HttpRequest request) => !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
        || HttpMethods.IsOptions(request.Method));

    /// <summary>A change carries the session's CSRF token (header, or the <c>csrf</c> form field of a plain form) and
    /// comes from the console's own origin.</summary>
    public static bool ChangeAllowed(HttpContext http, ConsoleSession session, string? formToken = null) =>
        SameOrigin(http) && ConsoleSessions.CsrfMatches(session, http.Request.Headers[CsrfHeader].ToString() is { Length: > 0 } h ? h : formToken);

    /// <summary>No <c>Origin</c> (or <c>Sec-Fetch-Site</c>) that says the request was made by another site; an opaque
    /// origin (<c>null</c>: a sandboxed frame, a redirect from elsewhere) counts as foreign.</summary>
    public static bool SameOrigin(HttpContext http)
    {
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none")) return false;
        var origin = http.Request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{http.Request.Scheme}://{http.Request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    public void SignIn(HttpContext http, string id) => http.Response.Cookies.Append(CookieName, id, new CookieOptions
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    });

    public void SignOut(HttpContext http, ConsoleSession? session)
    {
        if (session is not null) sessions.End(session);
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, HttpOnly = true });
    }
}
