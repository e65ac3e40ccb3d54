using ExApps.Lifecycle.Engine;
using ExApps.Lifecycle.Machine;
using ExApps.Lifecycle.Persistence;
using ExApps.ServiceDefaults;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ExApps.Lifecycle.Tests;

/// <summary>The real PostgreSQL the project's scripts start; a database of its own for these tests.</summary>
public static class TestDatabase
{
    public static readonly string ConnectionString =
        Environment.GetEnvironmentVariable("EXAPPS_TEST_PG") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=exapps_lifecycle_tests";

    public static NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(ConnectionString);

    /// <summary>With the default key file, as the test hosts' lifecycles use.</summary>
    public static SpecSeal Seal { get; } = new(Microsoft.Extensions.Options.Options.Create(new LifecycleOptions()));

    private static readonly AppStore Store = new(DataSource, Seal);

    /// <summary>Migrates the schema and forgets every app, seen request, live process and unpublished message, so
    /// a test starts from empty tables.</summary>
    public static async Task ResetAsync()
    {
        await PostgresSchema.EnsureDatabaseAsync(ConnectionString);
        await PostgresSchema.MigrateAsync(DataSource, LifecycleMigrations.Schema, LifecycleMigrations.All,
            NullLogger.Instance);
        await using var cmd = DataSource.CreateCommand("DELETE FROM lifecycle.apps; DELETE FROM lifecycle.outbox; " +
            "DELETE FROM lifecycle.seen_operations; DELETE FROM lifecycle.instances");
        await cmd.ExecuteNonQueryAsync();
    }

    public static Task<AppState?> FindAsync(string appId) => Store.FindAsync(appId, CancellationToken.None);

    public static async Task<long> OutboxCountAsync()
    {
        await using var cmd = DataSource.CreateCommand("SELECT count(*) FROM lifecycle.outbox");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
