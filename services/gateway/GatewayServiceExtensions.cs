using ExApps.Gateway.Admin;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Ocs;
using ExApps.Gateway.Ocs.Registrations;
using ExApps.Gateway.Proxy;
using ExApps.Gateway.Registry;
using ExApps.ServiceDefaults;
using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway;

public static class GatewayServiceExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.UseDefaultUrl("http://127.0.0.1:8080");
        var s = builder.Services;
        s.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateAttributes<GatewayOptions, GatewayOptionsValidator>()
            .Validate(o => o.NextcloudUrl.Length == 0 || IsHttpUrl(o.NextcloudUrl), "Gateway:NextcloudUrl must be an absolute http(s) URL or empty.")
            .Validate(o => o.NextcloudPublicUrl.Length == 0 || IsHttpUrl(o.NextcloudPublicUrl), "Gateway:NextcloudPublicUrl must be an absolute http(s) URL or empty.")
            .Validate(o => (o.NextcloudServiceUser.Length == 0) == (o.NextcloudServicePassword.Length == 0)
                && !o.NextcloudServiceUser.Contains(':'),
                "Gateway:NextcloudServiceUser and NextcloudServicePassword go together (both or neither); the user has no ':'.")
            .Validate(o => o.AppCacheTtl > TimeSpan.Zero && o.UserCacheTtl > TimeSpan.Zero, "Gateway:AppCacheTtl and UserCacheTtl must be positive.")
            .Validate(o => o.AppCacheStaleTtl >= TimeSpan.Zero && o.RegistryWait >= TimeSpan.Zero && o.AdminRegistryWait >= TimeSpan.Zero,
                "Gateway:AppCacheStaleTtl, RegistryWait and AdminRegistryWait must not be negative.")
            .Validate(o => o.Throttle.MaxFailures > 0 && o.Throttle.BaseDelay >= TimeSpan.Zero && o.Throttle.MaxDelay >= o.Throttle.BaseDelay
                && o.Throttle.Window > TimeSpan.Zero, "Gateway:Throttle needs MaxFailures > 0, 0 <= BaseDelay <= MaxDelay and a positive Window.")
            .Validate(o => o.TrustedProxies.All(ClientAddress.IsValidEntry), "Gateway:TrustedProxies must list IP addresses or networks such as 10.0.0.0/8.")
            .Validate(o => o.Limits.MaxRequestBodyBytes >= 1024 && o.Limits.MaxOcsBodyBytes >= 1024 && o.Limits.MaxRequestHeadersTotalBytes >= 1024
                && o.Limits.OcsTimeout > TimeSpan.Zero && o.Limits.ProxyActivityTimeout > TimeSpan.Zero && o.Limits.RequestHeadersTimeout > TimeSpan.Zero,
                "Gateway:Limits values must be positive (sizes at least 1024 bytes).")
            .ValidateOnStart();
        s.AddOptions<StatusReportOptions>().BindConfiguration(StatusReportOptions.Section)
            .Validate(o => o.PerSecond > 0 && o.Burst > 0, "Gateway:StatusReports:PerSecond and Burst must be positive.")
            .ValidateOnStart();
        s.AddSingleton<StatusReportLimiter>();
        s.AddSingleton(sp => new ReportRelay(sp.GetRequiredService<MassTransit.IBus>(), sp.GetRequiredService<ILogger<ReportRelay>>(),
            sp.GetRequiredService<ExApps.ServiceDefaults.Telemetry.PlatformMetrics>()));
        s.AddHostedService(sp => sp.GetRequiredService<ReportRelay>());
        s.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section)
            .PostConfigure<ILoggerFactory>((o, logs) => o.Token = AdminTokens.Resolve(o.Token, o.TokenFile, logs.CreateLogger("ExApps.AdminToken")))
            .Validate(o => AdminTokens.IsAcceptable(o.Token), AdminTokens.Rule)
            .ValidateOnStart();

        var gateway = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var limits = gateway.Limits;
        if (gateway.InlineSocketCompletions)
        {
            // Read by the runtime's socket engine when the process makes its first socket, which is later than
            // this (the host has not started); an engine per core then, so that both cores serve sockets.
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
            builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalBytes;
            k.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
        });
        s.AddRequestTimeouts();

        s.AddSingleton(TimeProvider.System);
        // A named client and a factory of our own rather than AddHttpClient<RegistryClient>: the typed-client
        // factory builds its instances through a compiled expression tree (docs/performance.md).
        s.AddHttpClient(RegistryClient.HttpClientName, (sp, c) =>
            c.BaseAddress = new Uri(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.RegistryUrl.TrimEnd('/') + "/"))
            .AddStandardResilienceHandler(RegistryResilience.Configure);
        s.AddTransient(sp => new RegistryClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(RegistryClient.HttpClientName),
            sp.GetRequiredService<IOptions<AdminOptions>>()));
        s.AddHttpClient(NextcloudUsers.HttpClientName, (sp, c) =>
        {
            var url = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.NextcloudUrl;
            if (url.Length > 0) c.BaseAddress = new Uri(url.TrimEnd('/') + "/");
            c.Timeout = TimeSpan.FromSeconds(10);
        }).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
        s.AddHttpClient(ExAppRequester.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(60))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
            .AddHttpMessageHandler(() => new OutgoingHeaderGuard());

        s.AddOptions<Console.ConsoleOptions>().BindConfiguration(Console.ConsoleOptions.Section)
            .Validate(o => o.SessionIdleTimeout > TimeSpan.Zero && o.SessionLifetime >= o.SessionIdleTimeout && o.MaxSessions > 0,
                "Gateway:Console needs a positive SessionIdleTimeout, a SessionLifetime at least as long and MaxSessions > 0.")
            .ValidateOnStart();
        s.AddSingleton<Console.ConsoleSessions>();
        s.AddSingleton<Console.ConsoleAuth>();
        s.AddSingleton<Console.ConsoleAssets>();
        s.AddSingleton<AppCache>();
        s.AddSingleton<FailureThrottle>();
        s.AddSingleton<ClientAddress>();
        s.AddSingleton<AdminTokenCheck>();
        s.AddSingleton<NextcloudUsers>();
        s.AddSingleton<Nextcloud.NextcloudServiceAccount>();
        s.AddSingleton<ExAppProxyClient>();
        s.AddScoped<AppApiAuthenticator>();
        s.AddScoped<ExAppRequester>();
        s.AddSingleton<ExAppProxy>();
        s.AddSingleton<RegistryReachability>();
        s.AddForwardedRoutes();
        builder.AddServiceBus(x => x.AddConsumer<AppCacheInvalidator>().Endpoint(e =>
        {
            // One auto-deleted queue per gateway process: every replica must hear every event.
            e.Temporary = true;
            e.InstanceId = Environment.MachineName + "-" + Environment.ProcessId;
        }));
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseMiddleware<BadRequestMiddleware>();
        app.UseMiddleware<AdminGate>();
        app.UseRouting();
        app.UseRequestTimeouts();
        var ocs = app.MapOcsGroup();
        ocs.MapExAppOcsEndpoints().MapConfigOcsEndpoints().MapRegistrationOcsEndpoints().MapTalkBotOcsEndpoints().MapNextcloudOcsEndpoints();
        // Last: it answers its own sub-group (api/v1/ex-app, admin only).
        ocs.MapAdminOcsEndpoints();
        app.MapCapabilities();
        Console.ConsoleEndpoints.MapConsole(app);
        ExAppProxy.MapExAppProxy(app);
        app.MapReverseProxy(proxy => proxy.Use(ForwardErrors.InvokeAsync));
        return app;
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https";
}
