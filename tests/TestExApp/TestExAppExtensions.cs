using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExApps.TestExApp;

public static class TestExAppExtensions
{
    public static WebApplicationBuilder AddTestExApp(this WebApplicationBuilder builder, ExAppSettings settings)
    {
        builder.WebHost.UseUrls(settings.ListenUrl);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // The context's own options do not apply when it is only a resolver for these, so repeat them.
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default);
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<TestState>();
        builder.Services.AddSingleton<AppApiAuthFilter>();
        builder.Services.AddSingleton<PlatformCalls>();
        // One client for the app's lifetime; short timeout so a dead platform does not stall the retries.
        builder.Services.AddSingleton(_ => new InitReporterClient(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }));
        builder.Services.AddSingleton(sp => new InitReporter(
            sp.GetRequiredService<InitReporterClient>().Http,
            settings,
            sp.GetRequiredService<TestState>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<InitReporter>>()));
        return builder;
    }

    /// <summary>Records every request except the test's own <c>/test/*</c> reads (<see cref="TestState.Requests"/>).</summary>
    public static WebApplication UseRequestRecorder(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            var r = http.Request;
            if (!r.Path.StartsWithSegments("/test"))
            {
                var headers = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (name, value) in r.Headers)
                    headers[name.ToLowerInvariant()] = name.Equals("AUTHORIZATION-APP-API", StringComparison.OrdinalIgnoreCase) ? "***" : value.ToString();
                http.RequestServices.GetRequiredService<TestState>().RequestReceived(
                    new ReceivedRequest(r.Method, r.Path.Value ?? "", r.QueryString.Value ?? "", headers));
            }
            return next(http);
        });
        return app;
    }

    /// <summary>Wraps the client so the container owns (and disposes) it without registering a bare HttpClient.</summary>
    private sealed record InitReporterClient(HttpClient Http) : IDisposable
    {
        public void Dispose() => Http.Dispose();
    }
}
