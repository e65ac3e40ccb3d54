using ExApps.ServiceDefaults;
using Npgsql;

namespace ExApps.Deployer.Persistence;

/// <summary>The deployer's own PostgreSQL state: the data source for operation records, and a separate one for
/// per-app locks. The deployer keeps no app data, only what makes redeliveries and several replicas safe.</summary>
public sealed class DeployerDatabase : IAsyncDisposable
{
    public const string Schema = "deployer";

    public DeployerDatabase(IConfiguration configuration)
    {
        ConnectionString = PostgresSchema.ConnectionString(configuration);
        Pooled = NpgsqlDataSource.Create(PostgresSchema.WithPoolLimits(ConnectionString, 10));
        // A lock lives exactly as long as its physical connection: no pool can hand back a connection that still
        // holds one, and a deployer that dies releases its locks when the kernel closes its sockets.
        Locks = PostgresSchema.SessionSource(ConnectionString, "exapps-deployer-lock");
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource Pooled { get; }

    public NpgsqlDataSource Locks { get; }

    public async ValueTask DisposeAsync()
    {
        await Pooled.DisposeAsync();
        await Locks.DisposeAsync();
    }
}
