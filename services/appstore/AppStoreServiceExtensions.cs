using System.IO.Compression;
using ExApps.AppReleases;
using ExApps.AppStore.Accounts;
using ExApps.AppStore.Api;
using ExApps.AppStore.Catalog;
using ExApps.AppStore.Hosting;
using ExApps.AppStore.Persistence;
using ExApps.AppStore.Publishing;
using ExApps.AppStore.Releases;
using ExApps.ServiceDefaults;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.AppStore;

public static class AppStoreServiceExtensions
{
    /// <summary>Environment variable naming the store's configuration file (JSON), mounted read-only in production.</summary>
    public const string ConfigFileVariable = "APPSTORE_CONFIG";

    /// <summary>Adds the configuration file named by APPSTORE_CONFIG (or <c>--config</c>); environment variables and
    /// the command line still override it.</summary>
    public static void AddAppStoreConfiguration(this IConfigurationBuilder configuration, IConfiguration current)
    {
        var file = current["config"] ?? Environment.GetEnvironmentVariable(ConfigFileVariable);
        if (string.IsNullOrWhiteSpace(file)) return;
        if (!File.Exists(file)) throw new FileNotFoundException($"The store's configuration file {file} does not exist.", file);
        var sources = configuration.Sources.ToList();
        // Insert after the appsettings files so that environment variables and arguments keep precedence.
        var index = sources.FindLastIndex(s => s is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource) + 1;
        var json = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false).Sources[0];
        configuration.Sources.Insert(index, json);
    }

    public static WebApplicationBuilder AddAppStoreConfiguration(this WebApplicationBuilder builder)
    {
        ((IConfigurationBuilder)builder.Configuration).AddAppStoreConfiguration(builder.Configuration);
        return builder;
    }

    public static WebApplicationBuilder AddAppStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddAppStoreCore(builder.Configuration);
        builder.Logging.AddStoreFile(builder.Configuration);
        builder.Services.AddHostedService<StoreSchemaStartup>();
        builder.Services.AddHostedService<StaticFilesPublisher>();
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["application/json"];
        });
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        ArchiveDownloader.AddArchiveDownloads(builder.Services, sp => sp.GetRequiredService<IOptions<AppStoreOptions>>().Value.Download);
        builder.Services.AddSingleton(sp => new CertificateValidator(sp.GetRequiredService<IOptions<AppStoreOptions>>().Value.Certificates));
        builder.Services.AddSingleton<ReleasePublisher>();
        builder.Services.AddSingleton<CatalogReader>();
        return builder;
    }

    /// <summary>What both the web host and the admin commands need: options, database, accounts, apps.</summary>
    public static IServiceCollection AddAppStoreCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AppStoreOptions>().Bind(configuration.GetSection(AppStoreOptions.Section))
            .ValidateAttributes<AppStoreOptions, AppStoreOptionsValidator>().ValidateOnStart();
        services.AddSingleton(_ => NpgsqlDataSource.Create(StoreDatabase.ConnectionString(configuration)));
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<Throttle>();
        services.AddSingleton<AppRepository>();
        return services;
    }

    public static WebApplication UseAppStore(this WebApplication app)
    {
        app.UseResponseCompression();
        return app;
    }

    public static WebApplication MapAppStoreEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapFeedEndpoints();
        api.MapPublishEndpoints();
        app.MapGet("/", () => TypedResults.Content(HomePage.Html, "text/html; charset=utf-8"));
        return app;
    }
}
