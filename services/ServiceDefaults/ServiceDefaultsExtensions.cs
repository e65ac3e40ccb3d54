using ExApps.ServiceDefaults.Health;
using ExApps.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExApps.ServiceDefaults;

/// <summary>What every service sets up the same way: logging, tracing and metrics, liveness and readiness, problem
/// details.</summary>
public static class ServiceDefaultsExtensions
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Request-level framework chatter drowns what operators need; configuration can still lower these.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // ASP.NET Core starts an Activity and a log scope for every request while this category is enabled at any
        // level, only to correlate its own "request starting/finished" lines: off, a request allocates neither
        // (docs/performance.md). Startup failures still end the process with their exception.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        // Polly reports every attempt of a resilient HTTP call at Information; retries and failures are Warning.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Services.AddProblemDetails();
        builder.AddPlatformTelemetry();
        builder.Services.AddPlatformHealthChecks();
        builder.Services.AddHostedService<Memory.IdleMemoryTrim>();
        return builder;
    }

    /// <summary>Listens on <paramref name="url"/> unless <c>urls</c> (or ASPNETCORE_URLS, --urls) says otherwise.</summary>
    public static WebApplicationBuilder UseDefaultUrl(this WebApplicationBuilder builder, string url)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
            builder.WebHost.UseUrls(url);
        return builder;
    }

    /// <summary><c>/alive</c> (liveness), <c>/health</c> (readiness) and <c>/metrics</c> (Prometheus).</summary>
    public static IEndpointRouteBuilder MapDefaultEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPlatformHealthEndpoints();
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}
