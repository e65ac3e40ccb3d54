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

    private static readonly NpgsqlDataSource DataSource = NpgsqlDataSource.Create(ConnectionString);

    public static OperationStore Store { get; } = new(DataSource, new Workers.OutboxSignal(), TimeProvider.System);

    /// <summary>Migrates the schema and forgets every app, seen operation and unpublished event, so a test starts
    /// from empty tables.</summary>
    public static async Task ResetAsync()
    {
        await PostgresSchema.EnsureDatabaseAsync(ConnectionString);
        await PostgresSchema.MigrateAsync(DataSource, LifecycleMigrations.Schema, LifecycleMigrations.All,
            NullLogger.Instance);
        await using var cmd = DataSource.CreateCommand(
            "DELETE FROM lifecycle.operations; DELETE FROM lifecycle.outbox; DELETE FROM lifecycle.seen_operations");
        await cmd.ExecuteNonQueryAsync();
    }

    public static Task<AppOperation?> FindAsync(string appId) => Store.FindAsync(appId, CancellationToken.None);
}

