using System.Runtime.CompilerServices;
using System.Text.Json;
using HealthChecks.NpgSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.ServiceDefaults.Health;

/// <summary>Liveness and readiness. <c>/alive</c> answers 200 while the process serves requests (restart it when
/// not). <c>/health</c> also checks what the service depends on: RabbitMQ (MassTransit's bus check, named
/// <c>rabbitmq</c>) and, in services that use it, PostgreSQL (<c>postgres</c>); it answers 503 naming each
/// dependency that is down, so a load balancer stops sending work and an operator sees why.</summary>
public static class HealthExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";
    public const string PostgresCheck = "postgres";
    public const string RabbitMqCheck = "rabbitmq";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddPlatformHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        // Decided when the checks are first read: only a service that registered a NpgsqlDataSource uses PostgreSQL.
        services.AddSingleton<IConfigureOptions<HealthCheckServiceOptions>>(new PostgresCheckWhenUsed(services));
        return services;
    }

    public static IEndpointRouteBuilder MapPlatformHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteReport });
        return app;
    }

    /// <summary><c>{"status":"Unhealthy","checks":{"postgres":{"status":"Unhealthy","description":"..."}}}</c>.</summary>
    private static Task WriteReport(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Status == HealthStatus.Healthy ? null : Describe(e.Key, e.Value),
            }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    // The description, else the error (Npgsql and RabbitMQ errors name the host, never the password).
    private static string Describe(string name, HealthReportEntry entry) =>
        $"{name} is {entry.Status.ToString().ToLowerInvariant()}: " +
        (entry.Description ?? entry.Exception?.Message ?? "no details");

    /// <summary>The registrations are compared by type name, so that a service without PostgreSQL (the gateway)
    /// does not load Npgsql and System.Data.Common just to learn that it has no data source: <c>typeof</c> of
    /// the type would load them, about 2.5 MiB resident (docs/performance.md).</summary>
    private sealed class PostgresCheckWhenUsed(IServiceCollection registrations) : IConfigureOptions<HealthCheckServiceOptions>
    {
        internal const string DataSourceType = "Npgsql.NpgsqlDataSource";

        public void Configure(HealthCheckServiceOptions options)
        {
            if (registrations.Any(d => !d.IsKeyedService && d.ServiceType.FullName == DataSourceType)) AddCheck(options);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void AddCheck(HealthCheckServiceOptions options) =>
            options.Registrations.Add(new HealthCheckRegistration(PostgresCheck,
                sp => new NpgSqlHealthCheck(new NpgSqlHealthCheckOptions(sp.GetRequiredService<NpgsqlDataSource>())),
                HealthStatus.Unhealthy, [ReadyTag], CheckTimeout));
    }
}
