using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ExApps.ServiceDefaults.Telemetry;

/// <summary>OpenTelemetry for every service: traces of incoming and outgoing HTTP, PostgreSQL commands and
/// MassTransit messages (whose headers carry the W3C trace context, so one install is one trace across the four
/// services); metrics on <c>/metrics</c> in Prometheus' format. Traces are recorded and leave the process only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured: without it the platform calls nothing it was not told to.</summary>
public static class TelemetryExtensions
{
    /// <summary>The activity source and meter MassTransit reports on.</summary>
    public const string MassTransitSource = "MassTransit";
    /// <summary>Npgsql's own activity source (Npgsql.OpenTelemetry only adds this name).</summary>
    public const string NpgsqlSource = "Npgsql";

    public static WebApplicationBuilder AddPlatformTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PlatformMetrics>();
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured
            ? configured
            : builder.Environment.ApplicationName;
        // Traces exist only to be exported: without an exporter no activity is started at all, so a request
        // (above all a proxied one, docs/performance.md) pays nothing for tracing. Metrics stay on /metrics either way.
        var exportTraces = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(PlatformMetrics.MeterName, MassTransitSource)
                .AddView(instrument => FewSeries(instrument.Meter.Name) ? FewSeriesStream : null)
                .AddPrometheusExporter());
        if (exportTraces)
        {
            otel.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperationsPath(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(NpgsqlSource)
                .AddSource(MassTransitSource)
                .AddSource(Outbox.TransactionalOutbox.Source.Name));
            otel.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>Series kept per metric of the meters whose tags are bounded by the code (routes, message types,
    /// endpoints, status codes): ASP.NET Core's and Kestrel's, MassTransit's. The SDK allocates every metric's series
    /// up front, 2,000 of them (144 KB) unless a view says otherwise: about 50 such metrics made 7 MiB of every
    /// service's heap, allocated at start and never used. Metrics tagged per ExApp (the platform's own, HttpClient's
    /// and DNS's, which name the peer) keep the SDK's 2,000. A series past the limit is counted under
    /// <c>otel_metric_overflow="true"</c>, not lost.</summary>
    public const int FewSeriesLimit = 400;

    private static readonly MetricStreamConfiguration FewSeriesStream = new() { CardinalityLimit = FewSeriesLimit };

    private static bool FewSeries(string meter) =>
        meter != PlatformMetrics.MeterName && meter != "System.Net.Http" && meter != "System.Net.NameResolution";

    /// <summary>Health probes and scrapes, every few seconds from every poller: not worth a trace each.</summary>
    public static bool IsOperationsPath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/metrics");
}
