using System.Text.Json;
using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Apps;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using ExApps.Registry.Status;
using ExApps.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ExApps.Registry;

public static class RegistryServiceExtensions
{
    public static WebApplicationBuilder AddRegistry(this WebApplicationBuilder builder)
    {
        builder.UseDefaultUrl("http://127.0.0.1:8081");
        var s = builder.Services;
        s.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.PortRangeStart <= o.PortRangeEnd, "Registry:PortRangeStart must not exceed PortRangeEnd.")
            .ValidateOnStart();
        s.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        s.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

        var connectionString = PostgresSchema.ConnectionString(builder.Configuration);
        s.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        s.AddDbContext<RegistryDb>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        s.AddHostedService<RegistrySchema>(); // before the bus: consumers need the schema

        s.AddSingleton(TimeProvider.System);
        s.AddSingleton<SecretProtector>();
        s.AddSingleton<AdminAuth>();
        s.AddScoped<AppRegistrar>();
        s.AddScoped<AppInfoLoader>();
        s.AddHttpClient(AppInfoLoader.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));

        builder.AddServiceBus(x =>
        {
            x.AddConsumer<StatusProjectionConsumer>(typeof(StatusProjectionConsumerDefinition));
            x.AddRequestClient<RemoveContainer>();
        });
        return builder;
    }

    public static WebApplication MapRegistryEndpoints(this WebApplication app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter<AdminAuth>();
        admin.MapDaemonEndpoints();
        admin.MapAppEndpoints();
        app.MapGroup("/internal").AddEndpointFilter<AdminAuth>().MapInternalEndpoints();
        return app;
    }
}
