using System.Text.Json;
using ExApps.AppReleases;
using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Apps;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;
using ExApps.Registry.Registrations;
using ExApps.Registry.Security;
using ExApps.Registry.Status;
using ExApps.Registry.Store;
using ExApps.ServiceDefaults;
using ExApps.ServiceDefaults.Outbox;
using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.Registry;

public static class RegistryServiceExtensions
{
    public static WebApplicationBuilder AddRegistry(this WebApplicationBuilder builder)
    {
        builder.UseDefaultUrl("http://127.0.0.1:8081");
        var s = builder.Services;
        s.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.Section).ValidateAttributes<RegistryOptions, RegistryOptionsValidator>()
            .Validate(o => o.PortRangeStart <= o.PortRangeEnd, "Registry:PortRangeStart must not exceed PortRangeEnd.")
            .Validate(o => o.DisableTimeout > TimeSpan.Zero && o.UnregisterTimeout > TimeSpan.Zero
                && o.DeployerRequestTimeout >= TimeSpan.FromSeconds(1),
                "Registry:DisableTimeout and UnregisterTimeout must be positive, DeployerRequestTimeout at least 1 s.")
            .ValidateOnStart();
        s.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section)
            .PostConfigure<ILoggerFactory>((o, logs) => o.Token = AdminTokens.Resolve(o.Token, o.TokenFile, logs.CreateLogger("ExApps.AdminToken")))
            .Validate(o => AdminTokens.IsAcceptable(o.Token), AdminTokens.Rule)
            .ValidateOnStart();
        s.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        // Body binding failures become exceptions that BadRequestHandler answers with the field's name.
        s.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        var connectionString = PostgresSchema.ConnectionString(builder.Configuration);
        s.AddSingleton(_ => NpgsqlDataSource.Create(PostgresSchema.WithPoolLimits(connectionString, 20)));
        s.AddKeyedSingleton(PostgresSchema.SessionsKey, (_, _) => PostgresSchema.SessionSource(connectionString, "exapps-registry-changes"));
        s.AddScoped<RegistryDb>();
        s.AddHostedService<RegistrySchema>(); // before the bus: consumers need the schema

        s.AddSingleton(TimeProvider.System);
        s.AddSingleton<SecretProtector>();
        s.AddExceptionHandler<SecretKeyMismatchHandler>();
        s.AddExceptionHandler<DependencyDownHandler>();
        s.AddSingleton<AdminAuth>();
        s.AddExceptionHandler<BadRequestHandler>();
        s.AddSingleton<AdminTokenFailures>();
        s.AddScoped<AppRegistrar>();
        s.AddScoped<AppInfoLoader>();
        s.AddScoped<AppOperations>();
        s.AddScoped<UpdateFlow>();
        s.AddScoped<AppUnregistration>();
        s.AddSingleton<Registrations.RegistrationStore>();
        s.AddSingleton<Registrations.TalkBotStore>();
        s.AddHttpClient(AppInfoLoader.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));
        s.AddHttpClient(StoreCatalog.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan) // StoreOptions.FeedTimeout
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.All });
        s.AddSingleton<StoreCatalog>();
        s.AddSingleton<StoreReleases>();
        ArchiveDownloader.AddArchiveDownloads(s, sp => sp.GetRequiredService<IOptions<RegistryOptions>>().Value.AppStore.Download);
        s.AddTransactionalOutbox(RegistrySchema.Name);
        s.AddSingleton<AppChangeFeed>();
        s.AddHostedService(sp => sp.GetRequiredService<AppChangeFeed>());
        s.AddSingleton<AppWatch>();
        s.AddHostedService<TestDeploy.TestDeployRunner>();

        builder.AddServiceBus(x =>
        {
            x.AddConsumer<AppStatusProjection>(typeof(AppStatusProjectionDefinition));
            x.AddConsumer<Timeline.TimelineConsumer>(typeof(Timeline.TimelineConsumerDefinition));
            x.AddRequestClient<CheckDaemon>();
            x.AddRequestClient<GetContainerLogs>();
        });
        return builder;
    }

    public static WebApplication MapRegistryEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        var admin = app.MapGroup("/admin").AddSharedFilter<AdminAuth>().AddSharedFilter<RouteValueFilter>();
        admin.MapDaemonEndpoints();
        admin.MapAppEndpoints();
        admin.MapRegistrationAdminEndpoints();
        admin.MapCatalogEndpoints();
        app.MapGroup("/internal").AddSharedFilter<AdminAuth>().AddSharedFilter<RouteValueFilter>().MapInternalEndpoints();
        app.MapGroup("/internal").AddSharedFilter<AdminAuth>().AddSharedFilter<RouteValueFilter>().MapGatewayEndpoints();
        app.MapGroup("/internal").AddSharedFilter<AdminAuth>().AddSharedFilter<RouteValueFilter>().MapRegistrationInternalEndpoints();
        return app;
    }
}
