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

    /// <summary><c>ConnectionStrings:Postgres</c>, or the local default the scripts set up, without TLS to a server
    /// on the same host (<see cref="WithoutLoopbackTls"/>).</summary>
    public static string ConnectionString(Microsoft.Extensions.Configuration.IConfiguration configuration,
        string defaultConnectionString = DefaultConnectionString) =>
        WithoutLoopbackTls(configuration.GetConnectionString("Postgres") is { Length: > 0 } cs ? cs : defaultConnectionString);

    /// <summary>Npgsql's default SSL mode is <c>Prefer</c>: with Debian's PostgreSQL (<c>ssl = on</c>, a self-signed
    /// certificate) every connection to 127.0.0.1 was TLS, and every command and row was encrypted and decrypted on
    /// both ends for a link that never leaves the host (and whose certificate was not checked). A connection string
    /// whose hosts are all loopback (<c>localhost</c>, <c>127.*</c>, <c>::1</c>) or a Unix socket directory, and that
    /// says nothing about SSL, certificates or GSS, gets <c>SSL Mode=Disable</c> and <c>GSS Encryption Mode=Disable</c>
    /// (Npgsql's default, <c>Prefer</c>, loads the Kerberos libraries into every process, about 1.5 MiB resident, and
    /// asks the server for GSS encryption on every new connection); any other host, or any SSL setting, is left as
    /// configured. docs/performance.md has what it saved.</summary>
    public static string WithoutLoopbackTls(string connectionString)
    {
        if (new[] { "ssl", "certificate", "gss" }.Any(k => connectionString.Contains(k, StringComparison.OrdinalIgnoreCase)))
            return connectionString;
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(csb.Host) || !csb.Host.Split(',').All(IsLocalHost)) return connectionString;
        csb.SslMode = SslMode.Disable;
        csb.GssEncryptionMode = GssEncryptionMode.Disable;
        return csb.ConnectionString;
    }

    private static bool IsLocalHost(string host)
    {
        host = host.Trim();
        if (host.StartsWith('[')) host = host.IndexOf(']') is var end and > 0 ? host[1..end] : host; // [v6]:port
        else if (host.IndexOf(':') is var colon and > 0 && colon == host.LastIndexOf(':')) host = host[..colon]; // host:port
        if (host.StartsWith('/') || host.StartsWith('@')) return true; // a Unix socket directory (or abstract socket)
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip);
    }

    /// <summary>How many statements each pooled connection keeps prepared (<see cref="WithPoolLimits"/>).</summary>
    public const int AutoPreparedStatements = 50;

    /// <summary>Pool limits for a service's data source, unless the connection string sets its own: a service
    /// opens at most <paramref name="maxPoolSize"/> connections (the four services together stay well inside
    /// PostgreSQL's default max_connections of 100, replicas included), and a request beyond that waits up to 30 s
    /// for a free one instead of failing. Statements a connection runs again and again are prepared on it (Npgsql's
    /// <c>Max Auto Prepare</c>, the <see cref="AutoPreparedStatements"/> most used; after 5 uses): every transition
    /// of an install otherwise had PostgreSQL parse and plan each of its statements anew, which was about a quarter
    /// of PostgreSQL's CPU over 300 concurrent installs (docs/performance.md). <c>Max Auto Prepare=0</c> in the
    /// connection string turns it off (a connection pooler in transaction mode that cannot keep prepared statements).
    /// <para>A connection returned to the pool is not reset (Npgsql's <c>No Reset On Close</c>): the reset
    /// (<c>SET SESSION AUTHORIZATION DEFAULT; RESET ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all();
    /// DISCARD ...</c>, sent with the connection's next command) ran about 37 times per install and took an eighth of
    /// PostgreSQL's CPU. Nothing on these pools leaves session state behind: settings are set for the transaction only
    /// (<c>set_config(..., true)</c>), locks are transaction-scoped, and a transaction still open when its connection
    /// is returned is rolled back all the same. What holds session state (a session advisory lock, a LISTEN) opens its
    /// connection from <see cref="SessionSource"/> instead. <c>No Reset On Close=false</c> in the connection string
    /// brings the reset back.</para></summary>
    public static string WithPoolLimits(string connectionString, int maxPoolSize)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Replace(" ", "").Contains("ResetOnClose", StringComparison.OrdinalIgnoreCase))
            csb.NoResetOnClose = true;
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("Max Pool Size", StringComparison.OrdinalIgnoreCase))
            csb.MaxPoolSize = maxPoolSize;
        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase)) csb.Timeout = 30;
        if (!connectionString.Replace(" ", "").Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
            csb.MaxAutoPrepare = AutoPreparedStatements;
        return csb.ConnectionString;
    }

    /// <summary>The key of the data source for connections that hold session state (<see cref="SessionSource"/>).</summary>
    public const string SessionsKey = "postgres-sessions";

    /// <summary>A data source for connections that hold session state: a session advisory lock (one process does a
    /// job at a time, another takes over when it dies) or a LISTEN. Unpooled, so that the state lives exactly as long
    /// as its physical connection and is never handed to the next user of a pooled one (the pools of
    /// <see cref="WithPoolLimits"/> do not reset connections); TCP keepalives, so that PostgreSQL notices a host
    /// that vanished and releases its locks.</summary>
    public static NpgsqlDataSource SessionSource(string connectionString, string applicationName) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            KeepAlive = 15,
            ApplicationName = applicationName,
        }.ConnectionString);

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

    /// <remarks>Each applied migration's SHA-256 is kept beside its version. A migration whose text no longer
    /// matches what was applied stops the start with <see cref="ChangedMigrationException"/> before anything is
    /// applied: the schema the code expects would differ from the database's, silently. (Versions applied before
    /// checksums were kept get theirs on the next start.) Versions in the database that the code does not know,
    /// a database migrated by a newer release, are logged as a warning.</remarks>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema,
        IReadOnlyList<SqlMigration> migrations, ILogger logger, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Exec(conn, $"SELECT pg_advisory_xact_lock(hashtext('migrate:{schema}'))", ct);
        await Exec(conn, $"CREATE SCHEMA IF NOT EXISTS {schema}", ct);
        await Exec(conn, $"CREATE TABLE IF NOT EXISTS {schema}.schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", ct);
        await Exec(conn, $"ALTER TABLE {schema}.schema_version ADD COLUMN IF NOT EXISTS checksum text NULL", ct);
        // Applied versions as a set, not a high-water mark: a migration added later with a lower number (work
        // merged from two branches) is still applied.
        var applied = new Dictionary<int, string?>();
        await using (var read = new NpgsqlCommand($"SELECT version, checksum FROM {schema}.schema_version", conn))
        await using (var reader = await read.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) applied[reader.GetInt32(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);

        var known = migrations.ToDictionary(m => m.Version);
        var changed = applied.Where(a => a.Value is not null && known.TryGetValue(a.Key, out var m) && Checksum(m.Sql) != a.Value)
            .Select(a => a.Key).Order().ToList();
        if (changed.Count > 0) throw new ChangedMigrationException(schema, changed);
        var unknown = applied.Keys.Where(v => !known.ContainsKey(v)).Order().ToList();
        if (unknown.Count > 0)
            logger.LogWarning("The {Schema} schema has migrations {Versions} applied that this version of the service " +
                              "does not know: a newer version migrated the database", schema, string.Join(", ", unknown));
        foreach (var (version, _) in applied.Where(a => a.Value is null && known.ContainsKey(a.Key)))
            await Exec(conn, $"UPDATE {schema}.schema_version SET checksum = '{Checksum(known[version].Sql)}' WHERE version = {version}", ct);

        foreach (var m in migrations.Where(m => !applied.ContainsKey(m.Version)).OrderBy(m => m.Version))
        {
            logger.LogInformation("Applying {Schema} migration {Version}", schema, m.Version);
            await Exec(conn, m.Sql, ct);
            await Exec(conn, $"INSERT INTO {schema}.schema_version (version, checksum) VALUES ({m.Version}, '{Checksum(m.Sql)}')", ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>SHA-256 of a migration's text, line endings made uniform, in hex.</summary>
    public static string Checksum(string sql) => Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>An applied migration was edited afterwards: the database's schema is not the one the code describes.</summary>
public sealed class ChangedMigrationException(string schema, IReadOnlyList<int> versions) : InvalidOperationException(
    $"The {schema} schema's migration(s) {string.Join(", ", versions)} differ from what was applied to this database. " +
    "An applied migration must never be edited: restore its text and add a new migration for the change. Nothing was migrated.")
{
    public string Schema { get; } = schema;
    public IReadOnlyList<int> Versions { get; } = versions;
}
