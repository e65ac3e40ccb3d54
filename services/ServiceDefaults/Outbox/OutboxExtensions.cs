using Microsoft.Extensions.DependencyInjection;

namespace ExApps.ServiceDefaults.Outbox;

public static class OutboxExtensions
{
    /// <summary>The outbox of a service whose tables live in <paramref name="schema"/> (the service registers its
    /// NpgsqlDataSource and adds <see cref="TransactionalOutbox.Migration"/> to its migrations).</summary>
    public static IServiceCollection AddTransactionalOutbox(this IServiceCollection services, string schema)
    {
        services.AddSingleton(new OutboxSettings(schema));
        services.AddSingleton<TransactionalOutbox>();
        services.AddHostedService<OutboxPublisher>();
        return services;
    }
}
