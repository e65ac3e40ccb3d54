using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ExApps.ServiceDefaults;

/// <summary>A numbered SQL migration of one service's schema.</summary>
public sealed record SqlMigration(int Version, string Sql);

/// <summary>Creates the database if it is missing and applies a service's SQL migrations once each, in order,
/// under an advisory lock so that replicas starting together do not race.</summary>
public static class PostgresSchema
{
    public const string DefaultConnectionString =
        "Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=exapps";

    /// <summary><c>ConnectionStrings:Postgres</c>, or the local default the scripts set up.</summary>
    public static string ConnectionString(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        configuration.GetConnectionString("Postgres") is { Length: > 0 } cs ? cs : DefaultConnectionString;

    /// <summary>Pool limits for a service's data source, unless the connection string sets its own: a service
    /// opens at most <paramref name="maxPoolSize"/> connections (the four services together stay well inside
    /// PostgreSQL's default max_connections of 100, replicas included), and a request beyond that waits up to 30 s
    /// for a free one instead of failing.</summary>
    public static string WithPoolLimits(string connectionString, int maxPoolSize)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("Max Pool Size", StringComparison.OrdinalIgnoreCase))
            csb.MaxPoolSize = maxPoolSize;
        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase)) csb.Timeout = 30;
        return csb.ConnectionString;
    }

    public static async Task EnsureDatabaseAsync(string connectionString, CancellationToken ct = default)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var database = csb.Database ?? throw new InvalidOperationException("The connection string names no Database.");
        csb.Database = "postgres";
        await using var conn = new NpgsqlConnection(csb.ConnectionString);
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", conn);
        exists.Parameters.AddWithValue("n", database);
        if (await exists.ExecuteScalarAsync(ct) is not null) return;
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // another service created it at the same moment
        }
    }

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema,
        IReadOnlyList<SqlMigration> migrations, ILogger logger, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Exec(conn, $"SELECT pg_advisory_xact_lock(hashtext('migrate:{schema}'))", ct);
        await Exec(conn, $"CREATE SCHEMA IF NOT EXISTS {schema}", ct);
        await Exec(conn, $"CREATE TABLE IF NOT EXISTS {schema}.schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", ct);
        // Applied versions as a set, not a high-water mark: a migration added later with a lower number (work
        // merged from two branches) is still applied.
        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand($"SELECT version FROM {schema}.schema_version", conn))
        await using (var reader = await read.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) applied.Add(reader.GetInt32(0));
        foreach (var m in migrations.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            logger.LogInformation("Applying {Schema} migration {Version}", schema, m.Version);
            await Exec(conn, m.Sql, ct);
            await Exec(conn, $"INSERT INTO {schema}.schema_version (version) VALUES ({m.Version})", ct);
        }
        await tx.CommitAsync(ct);
    }

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
