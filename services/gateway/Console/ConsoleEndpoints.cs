using System.Net;
using ExApps.Gateway.Auth;
using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Console;

/// <summary>The web console's pages under <c>/console</c>: sign-in with the admin token (a form, throttled like the
/// admin API's tokens), the console's page and its modules (only with a session), sign-out. Everything the console
/// shows and changes goes through the admin API (<c>/admin/...</c>) with the session cookie (<see cref="Admin.AdminGate"/>).</summary>
public static class ConsoleEndpoints
{
    /// <summary>Files served without a session: the sign-in page needs its style sheet.</summary>
    private static readonly HashSet<string> Public = ["console.css"];

    public static WebApplication MapConsole(this WebApplication app)
    {
        var g = app.MapGroup("/console").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!http.RequestServices.GetRequiredService<ConsoleAuth>().Enabled) return Results.NotFound();
            SecurityHeaders(http.Response);
            return await next(context);
        });
        g.MapGet("/", Index); // also /console (routing ignores the trailing slash)
        g.MapGet("/login", (HttpContext http, ConsoleAuth auth) => auth.SessionOf(http) is null
            ? LoginPage(http, null, 200) : Results.Redirect("/console/"));
        g.MapPost("/login", SignIn).DisableAntiforgery();
        g.MapPost("/logout", SignOut).DisableAntiforgery();
        g.MapGet("/assets/{name}", Asset);
        return app;
    }

    private static IResult Index(HttpContext http, ConsoleAuth auth, ConsoleAssets assets)
    {
        if (auth.SessionOf(http) is not { } session) return Results.Redirect("/console/login");
        http.Response.Headers.CacheControl = "no-store";
        var page = assets.Text("index.html").Replace("{{CSRF}}", WebUtility.HtmlEncode(session.Csrf), StringComparison.Ordinal);
        return Results.Content(page, "text/html; charset=utf-8");
    }

    private static IResult Asset(string name, HttpContext http, ConsoleAuth auth, ConsoleAssets assets)
    {
        if (assets.Find(name) is not { } asset || name.EndsWith(".html", StringComparison.Ordinal)) return Results.NotFound();
        if (!Public.Contains(name) && auth.SessionOf(http) is null) return Results.Unauthorized();
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.ToString() == asset.ETag) return Results.StatusCode(304);
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static async Task<IResult> SignIn(HttpContext http, ConsoleAuth auth, ConsoleSessions sessions, AdminTokenCheck check,
        IOptions<AdminOptions> admin, ILoggerFactory logs)
    {
        if (!ConsoleAuth.SameOrigin(http)) return LoginPage(http, "Sign in from the console's own page.", 403);
        if (!http.Request.HasFormContentType) return LoginPage(http, "Sign in with the form.", 400);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var token = form["token"].ToString().Trim();
        if (token.Length == 0) return LoginPage(http, "Enter the admin token.", 400);
        if (token.Length > 512) token = token[..512];
        var verdict = await check.VerifyTokenAsync(http, token, admin.Value.Token);
        if (verdict == AttemptVerdict.Refused)
            return LoginPage(http, "Too many wrong admin tokens from this address; try again later.", 429);
        if (verdict != AttemptVerdict.Passed)
            return LoginPage(http, "Wrong admin token.", 401);
        auth.SignOut(http, auth.SessionOf(http)); // a new session id at every sign-in
        var (id, _) = sessions.Create();
        auth.SignIn(http, id);
        logs.CreateLogger("ExApps.Console").LogInformation("Console sign-in from {Ip}",
            FailureThrottle.Address(http.RequestServices.GetRequiredService<ClientAddress>().Of(http)));
        return Results.Redirect("/console/#/apps", permanent: false, preserveMethod: false);
    }

    private static async Task<IResult> SignOut(HttpContext http, ConsoleAuth auth)
    {
        var session = auth.SessionOf(http);
        var formToken = http.Request.HasFormContentType ? (await http.Request.ReadFormAsync(http.RequestAborted))["csrf"].ToString() : null;
        if (session is not null && !ConsoleAuth.ChangeAllowed(http, session, formToken))
            return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: "Signing out needs the console's CSRF token.",
                extensions: new Dictionary<string, object?> { ["error_code"] = "csrf_failed" });
        auth.SignOut(http, session);
        return Results.Redirect("/console/login");
    }

    private static IResult LoginPage(HttpContext http, string? error, int status)
    {
        http.Response.Headers.CacheControl = "no-store";
        var assets = http.RequestServices.GetRequiredService<ConsoleAssets>();
        var message = error is null ? "" : $"<p class=\"error\" role=\"alert\" id=\"login-error\">{WebUtility.HtmlEncode(error)}</p>";
        return Results.Content(assets.Text("login.html").Replace("{{ERROR}}", message, StringComparison.Ordinal),
            "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>Only the console's own files run, nothing is framed, nothing leaves for another origin.</summary>
    private static void SecurityHeaders(HttpResponse r)
    {
        r.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        r.Headers.XContentTypeOptions = "nosniff";
        // (not no-referrer: then a browser sends "Origin: null" with the sign-in form, which cannot be told from a foreign one)
        r.Headers["Referrer-Policy"] = "same-origin";
        r.Headers.XFrameOptions = "DENY";
    }
}
