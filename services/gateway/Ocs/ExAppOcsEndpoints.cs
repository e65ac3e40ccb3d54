using ExApps.Contracts;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Registry;
using MassTransit;

namespace ExApps.Gateway.Ocs;

/// <summary>The OCS routes ExApps call (spec §6), AppAPI-authenticated.</summary>
public static class ExAppOcsEndpoints
{
    public static IEndpointRouteBuilder MapExAppOcsEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/ocs/v{ocsVersion:int:range(1,2)}.php/apps/app_api");
        g.MapPut("/ex-app/status", (HttpContext http, AppApiAuthenticator auth, IPublishEndpoint bus, TimeProvider clock, CancellationToken ct) =>
            SetStatus(http, null, auth, bus, clock, ct));
        g.MapPut("/apps/status/{appId}", (string appId, HttpContext http, AppApiAuthenticator auth, IPublishEndpoint bus, TimeProvider clock, CancellationToken ct) =>
            SetStatus(http, appId, auth, bus, clock, ct));
        g.MapGet("/ex-app/state", GetState);
        g.MapPost("/api/v1/log", Log);
        return app;
    }

    /// <summary>A disabled app may report init progress while it is being installed or updated.</summary>
    private static bool MayReportWhileDisabled(AppAuthInfo a) => a.StatusType is AppApiProtocol.KindInstall or AppApiProtocol.KindUpdate;

    private static async Task<IResult> SetStatus(HttpContext http, string? routeAppId, AppApiAuthenticator auth,
        IPublishEndpoint bus, TimeProvider clock, CancellationToken ct)
    {
        var caller = await auth.AuthenticateAsync(http.Request, MayReportWhileDisabled, ct);
        if (caller is null) return OcsResult.Error(OcsResult.Unauthorised, AppApiAuthenticator.FailureMessage);
        // The deprecated form names the app in the path; it may only report for itself.
        if (routeAppId is not null && routeAppId != caller.AppId)
            return OcsResult.Error(OcsResult.Unauthorised, AppApiAuthenticator.FailureMessage);
        var p = await OcsParameters.ReadAsync(http.Request, ct);
        if (p is null) return OcsResult.Error(400, "The request body is not valid JSON.");
        if (!int.TryParse(p["progress"], out var progress) || progress is < 0 or > 100)
            return OcsResult.Error(400, $"`progress` must be an integer from 0 to 100, got \"{p["progress"]}\".");
        await bus.Publish(new InitProgress(caller.AppId, progress, p["error"] ?? "", clock.GetUtcNow()), ct);
        return OcsResult.Ok(Array.Empty<object>());
    }

    private static async Task<IResult> GetState(HttpContext http, AppApiAuthenticator auth, CancellationToken ct)
    {
        var caller = await auth.AuthenticateAsync(http.Request, _ => true, ct);
        return caller is null
            ? OcsResult.Error(OcsResult.Unauthorised, AppApiAuthenticator.FailureMessage)
            : OcsResult.Ok(caller.App.Enabled ? 1 : 0);
    }

    private static async Task<IResult> Log(HttpContext http, AppApiAuthenticator auth, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = await auth.AuthenticateAsync(http.Request, _ => false, ct);
        if (caller is null) return OcsResult.Error(OcsResult.Unauthorised, AppApiAuthenticator.FailureMessage);
        var p = await OcsParameters.ReadAsync(http.Request, ct);
        if (p is null) return OcsResult.Error(400, "The request body is not valid JSON.");
        if (!int.TryParse(p["level"], out var level) || level is < 0 or > 4)
            return OcsResult.Error(400, $"`level` must be an integer from 0 to 4, got \"{p["level"]}\".");
        var logLevel = level switch { 0 => LogLevel.Debug, 1 => LogLevel.Information, 2 => LogLevel.Warning, 3 => LogLevel.Error, _ => LogLevel.Critical };
        loggers.CreateLogger($"ExApp.{caller.AppId}").Log(logLevel, "[{AppId}] {Message}", caller.AppId, p["message"] ?? "");
        return OcsResult.Ok(Array.Empty<object>());
    }
}
