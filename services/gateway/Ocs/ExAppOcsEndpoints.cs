using ExApps.ServiceDefaults;
using ExApps.Contracts;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Registry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Ocs;

/// <summary>The OCS routes ExApps call (docs/protocol.md §6), AppAPI-authenticated.</summary>
public static class ExAppOcsEndpoints
{
    public const string Prefix = "/ocs/v{ocsVersion:int:range(1,2)}.php/apps/app_api";

    /// <summary>The routes under <c>/ocs/v{1,2}.php/apps/app_api</c> that the gateway answers itself.</summary>
    public static RouteGroupBuilder MapOcsGroup(this WebApplication app)
    {
        var group = app.MapGroup(Prefix).AddSharedFilter<OcsErrorFilter>();
        group.WithRequestTimeout(app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.Limits.OcsTimeout);
        return group;
    }

    public static RouteGroupBuilder MapExAppOcsEndpoints(this RouteGroupBuilder g)
    {
        g.MapPut("/ex-app/status", (HttpContext http, AppApiAuthenticator auth, StatusReportLimiter limiter, ReportRelay relay, TimeProvider clock, IOptions<GatewayOptions> o, CancellationToken ct) =>
            SetStatus(http, null, auth, limiter, relay, clock, o, ct));
        g.MapPut("/apps/status/{appId}", (string appId, HttpContext http, AppApiAuthenticator auth, StatusReportLimiter limiter, ReportRelay relay, TimeProvider clock, IOptions<GatewayOptions> o, CancellationToken ct) =>
            SetStatus(http, appId, auth, limiter, relay, clock, o, ct));
        g.MapGet("/ex-app/state", GetState);
        g.MapPost("/api/v1/log", Log);
        g.MapGet("/api/v1/info/nextcloud_url/absolute", AbsoluteUrl);
        return g;
    }

    /// <summary>A disabled app may report init progress while it is being installed or updated.</summary>
    private static bool MayReportWhileDisabled(AppAuthInfo a) => a.StatusType is AppApiProtocol.KindInstall or AppApiProtocol.KindUpdate;

    /// <summary>The report goes to the lifecycle, the one service that judges it against the app's operation.</summary>
    private static async Task<IResult> SetStatus(HttpContext http, string? routeAppId, AppApiAuthenticator auth,
        StatusReportLimiter limiter, ReportRelay relay, TimeProvider clock, IOptions<GatewayOptions> o, CancellationToken ct)
    {
        var outcome = await auth.AuthenticateAsync(http, MayReportWhileDisabled, ct);
        if (outcome.Caller is not { } caller) return outcome.Failure();
        // The deprecated form names the app in the path; it may only report for itself.
        if (routeAppId is not null && routeAppId != caller.AppId)
            return OcsResult.Error(OcsResult.Unauthorised, AppApiAuthenticator.FailureMessage);
        if (!limiter.TryAcquire(caller.AppId))
            return OcsResult.Error(429, $"Too many status reports from ExApp {caller.AppId}; slow down.");
        var p = await OcsParameters.ReadAsync(http.Request, o.Value.Limits.MaxOcsBodyBytes, ct);
        if (ExAppInput.StatusReport(p, out var progress, out var error) is { } bad) return OcsResult.Error(400, bad);
        if (!relay.TryAccept(caller.AppId, new InitProgress(caller.AppId, progress, error, clock.GetUtcNow())))
            return OcsResult.Error(503, "The platform cannot take status reports right now (its message bus is unavailable); try again.");
        return OcsResult.Ok(Array.Empty<object>());
    }

    private static async Task<IResult> GetState(HttpContext http, AppApiAuthenticator auth, CancellationToken ct)
    {
        var outcome = await auth.AuthenticateAsync(http, _ => true, ct);
        return outcome.Caller is { } caller ? OcsResult.Ok(caller.App.Enabled ? 1 : 0) : outcome.Failure();
    }

    private static async Task<IResult> Log(HttpContext http, AppApiAuthenticator auth, ILoggerFactory loggers,
        IOptions<GatewayOptions> o, CancellationToken ct)
    {
        var outcome = await auth.AuthenticateAsync(http, _ => false, ct);
        if (outcome.Caller is not { } caller) return outcome.Failure();
        var p = await OcsParameters.ReadAsync(http.Request, o.Value.Limits.MaxOcsBodyBytes, ct);
        if (!int.TryParse(p["level"], out var level) || level is < 0 or > 4)
            return OcsResult.Error(400, "Invalid log level");
        var logLevel = level switch { 0 => LogLevel.Debug, 1 => LogLevel.Information, 2 => LogLevel.Warning, 3 => LogLevel.Error, _ => LogLevel.Critical };
        if (ExAppInput.LogMessage(p["message"], out var message) is { } bad) return OcsResult.Error(400, bad);
        // Escaped: an ExApp's ANSI sequences or line breaks must not repaint a terminal or forge log lines.
        loggers.CreateLogger($"ExApp.{caller.AppId}").Log(logLevel, "[{AppId}] {Message}", caller.AppId, message);
        return OcsResult.Ok(Array.Empty<object>());
    }

    /// <summary>AppAPI: <c>rtrim(overwrite.cli.url, '/') . '/' . ltrim($url, '/')</c>.</summary>
    private static async Task<IResult> AbsoluteUrl(HttpContext http, AppApiAuthenticator auth, IOptions<GatewayOptions> o, CancellationToken ct)
    {
        var outcome = await auth.AuthenticateAsync(http, _ => false, ct);
        if (outcome.Caller is null) return outcome.Failure();
        var url = http.Request.Query["url"];
        if (url.Count == 0) return OcsResult.Error(400, "The `url` parameter is required.");
        return OcsResult.Ok(new Dictionary<string, string> { ["absolute_url"] = o.Value.PublicUrl + "/" + url.ToString().TrimStart('/') });
    }
}
