using ExApps.ServiceDefaults;
using Npgsql;

namespace ExApps.Lifecycle.Persistence;

/// <summary>Creates the database and migrates the schema before anything else starts: it is registered ahead of
/// the workers and the bus, and hosted services start one after the other. Then the stored secrets are checked
/// against the key and older rows sealed (<see cref="SpecSeal"/>).</summary>
/// <remarks>The data source's own ConnectionString has the password removed, hence the configured one.</remarks>
internal sealed class SchemaMigrationService(
    LifecycleDatabase database,
    NpgsqlDataSource dataSource,
    SpecSeal seal,
    ILogger<SchemaMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await PostgresSchema.EnsureDatabaseAsync(database.ConnectionString, cancellationToken);
        await PostgresSchema.MigrateAsync(dataSource, LifecycleMigrations.Schema, LifecycleMigrations.All, logger,
            cancellationToken);
        await seal.CheckAndSealOldRowsAsync(dataSource, logger, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
