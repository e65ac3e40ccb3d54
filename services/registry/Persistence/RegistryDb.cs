using Npgsql;
using NpgsqlTypes;

namespace ExApps.Registry.Persistence;

/// <summary>The registry's records (<c>registry.apps</c>, <c>registry.daemons</c>), read and written with plain
/// Npgsql commands. The schema itself is created by <see cref="RegistrySchema"/>'s SQL migrations. One per request
/// (scoped), so that a transaction begun with <see cref="BeginAsync"/> covers every command issued through it until
/// it is committed or disposed. (Entity Framework Core did this before; without it the registry loads about 18 MiB less code:
/// docs/performance.md.)</summary>
public sealed class RegistryDb(NpgsqlDataSource dataSource) : IAsyncDisposable, IDisposable
{
    private const string AppColumns = """
        appid, registration_id, name, version, daemon_name, port, secret_enc, enabled, status::text, status_seq,
        info::text, routes::text, deploy_options::text, operation::text, last_operation::text,
        requested_operation::text, health::text, created_time, deploy_detail::text
        """;

    private const string DaemonColumns =
        "name, display_name, accepts_deploy_id, protocol, host, deploy_config::text, haproxy_password_enc, is_default, created_at";

    private RegistryTransaction? _transaction;

    /// <summary>Begins a transaction on a connection of its own; every command through this object runs in it
    /// until it is committed, or rolled back by disposing it. Outside a transaction each command takes a pooled
    /// connection only while it runs, so a request that waits (a disable, an unregister) holds none.</summary>
    public async Task<RegistryTransaction> BeginAsync(CancellationToken ct)
    {
        if (_transaction is { Live: true }) throw new InvalidOperationException("A registry transaction is already open.");
        if (_transaction is { } committed) await committed.DisposeAsync(); // its connection back to the pool
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            return _transaction = new RegistryTransaction(this, connection, await connection.BeginTransactionAsync(ct));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    internal void Ended(RegistryTransaction transaction)
    {
        if (ReferenceEquals(_transaction, transaction)) _transaction = null;
    }

    // --- apps

    /// <summary>Serializes port choices across every registry process until the open transaction ends.</summary>
    public async Task LockPortsAsync(CancellationToken ct)
    {
        RequireTransaction();
        await using var cmd = Command("SELECT pg_advisory_xact_lock(hashtext('registry-ports'))");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public Task<AppRow?> FindAppAsync(string appId, CancellationToken ct) =>
        SingleAsync($"SELECT {AppColumns} FROM registry.apps WHERE appid = $1", ReadApp, ct, appId);

    /// <summary>The app's row and its daemon's (null when the daemon row is missing), in one query: what the
    /// gateway's app lookups need (their record of an app, reloaded after every change of it).</summary>
    public async Task<(AppRow App, DaemonRow? Daemon)?> FindAppWithDaemonAsync(string appId, CancellationToken ct)
    {
        await using var cmd = Command($"""
            SELECT {Qualified(AppColumns, "a")}, {Qualified(DaemonColumns, "d")}
            FROM registry.apps a LEFT JOIN registry.daemons d ON d.name = a.daemon_name WHERE a.appid = $1
            """, appId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (ReadApp(reader), reader.IsDBNull(AppColumnCount) ? null : ReadDaemon(reader, AppColumnCount));
    }

    private static readonly int AppColumnCount = AppColumns.Split(',').Length;

    private static string Qualified(string columns, string alias) =>
        string.Join(", ", columns.Split(',').Select(c => alias + "." + c.Trim()));

    /// <summary>The app's row, locked until the open transaction ends (null when the app does not exist).</summary>
    public Task<AppRow?> LockAppAsync(string appId, CancellationToken ct)
    {
        RequireTransaction();
        return SingleAsync($"SELECT {AppColumns} FROM registry.apps WHERE appid = $1 FOR UPDATE", ReadApp, ct, appId);
    }

    public async Task<bool> AppExistsAsync(string appId, CancellationToken ct) =>
        await ScalarAsync("SELECT EXISTS (SELECT 1 FROM registry.apps WHERE appid = $1)", ct, appId) is true;

    /// <summary>Every app, or those of <paramref name="only"/>, ordered by id.</summary>
    public async Task<List<AppRow>> ListAppsAsync(IReadOnlyCollection<string>? only, CancellationToken ct)
    {
        await using var cmd = Command(only is null
            ? $"SELECT {AppColumns} FROM registry.apps ORDER BY appid"
            : $"SELECT {AppColumns} FROM registry.apps WHERE appid = ANY($1) ORDER BY appid");
        if (only is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = only.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return await ListAsync(cmd, ReadApp, ct);
    }

    public async Task<HashSet<int>> AppPortsAsync(CancellationToken ct)
    {
        await using var cmd = Command("SELECT port FROM registry.apps");
        return (await ListAsync(cmd, r => r.GetInt32(0), ct)).ToHashSet();
    }

    /// <summary>The apps that use <paramref name="port"/>, with their daemons.</summary>
    public async Task<List<(string AppId, DaemonRow Daemon)>> AppsOnPortAsync(int port, CancellationToken ct)
    {
        await using var cmd = Command($"""
            SELECT a.appid, {Qualified(DaemonColumns, "d")}
            FROM registry.apps a JOIN registry.daemons d ON d.name = a.daemon_name WHERE a.port = $1
            """, port);
        return await ListAsync(cmd, r => (r.GetString(0), ReadDaemon(r, 1)), ct);
    }

    public async Task<Dictionary<string, int>> AppCountsByDaemonAsync(CancellationToken ct)
    {
        await using var cmd = Command("SELECT daemon_name, count(*)::int FROM registry.apps GROUP BY daemon_name");
        return (await ListAsync(cmd, r => (r.GetString(0), r.GetInt32(1)), ct)).ToDictionary(x => x.Item1, x => x.Item2);
    }

    public async Task<int> CountAppsOnDaemonAsync(string daemonName, CancellationToken ct) =>
        (int)(await ScalarAsync("SELECT count(*)::int FROM registry.apps WHERE daemon_name = $1", ct, daemonName))!;

    /// <summary>Inserts a new app (a <see cref="PostgresException"/> with <see cref="PostgresErrorCodes.UniqueViolation"/>
    /// when the id is taken).</summary>
    public async Task InsertAppAsync(AppRow row, CancellationToken ct)
    {
        await using var cmd = Command("""
            INSERT INTO registry.apps (appid, registration_id, name, version, daemon_name, port, secret_enc, enabled,
                status, status_seq, info, routes, deploy_options, operation, last_operation, requested_operation, health,
                created_time, deploy_detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
            """, row.AppId, row.RegistrationId, row.Name, row.Version, row.DaemonName, row.Port, row.SecretEnc,
            row.Enabled, Json(row.Status), row.StatusSeq, Json(row.Info), Json(row.Routes), Json(row.DeployOptions),
            Json(row.Operation), Json(row.LastOperation), Json(row.RequestedOperation), Json(row.Health), row.CreatedTime,
            Json(row.DeployDetail));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Writes what the registry itself decides of an app (its facts from the app info, and the operation it
    /// asked for), leaving the state the lifecycle's snapshots project alone. Run under the app's row lock. A command
    /// for the caller's batch: the request's outbox message and timeline line go in the same round trip.</summary>
    public static NpgsqlBatchCommand UpdateAppFactsCommand(AppRow row)
    {
        var cmd = new NpgsqlBatchCommand("""
            UPDATE registry.apps SET name = $2, version = $3, info = $4, routes = $5, deploy_options = $6,
                requested_operation = $7
            WHERE appid = $1
            """);
        AddArgs(cmd.Parameters, row.AppId, row.Name, row.Version, Json(row.Info), Json(row.Routes),
            Json(row.DeployOptions), Json(row.RequestedOperation));
        return cmd;
    }

    /// <summary>Deletes the app's records (only those of <paramref name="registrationId"/> when given).</summary>
    public async Task DeleteAppAsync(string appId, Guid? registrationId, CancellationToken ct)
    {
        await using var cmd = registrationId is { } reg
            ? Command("DELETE FROM registry.apps WHERE appid = $1 AND registration_id = $2", appId, reg)
            : Command("DELETE FROM registry.apps WHERE appid = $1", appId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    // --- daemons

    public Task<DaemonRow?> FindDaemonAsync(string name, CancellationToken ct) =>
        SingleAsync($"SELECT {DaemonColumns} FROM registry.daemons WHERE name = $1", r => ReadDaemon(r, 0), ct, name);

    /// <summary>The daemon's row, locked until the open transaction ends.</summary>
    public Task<DaemonRow?> LockDaemonAsync(string name, CancellationToken ct)
    {
        RequireTransaction();
        return SingleAsync($"SELECT {DaemonColumns} FROM registry.daemons WHERE name = $1 FOR UPDATE", r => ReadDaemon(r, 0), ct, name);
    }

    public Task<DaemonRow?> DefaultDaemonAsync(CancellationToken ct) =>
        SingleAsync($"SELECT {DaemonColumns} FROM registry.daemons WHERE is_default LIMIT 1", r => ReadDaemon(r, 0), ct);

    public async Task<bool> DaemonExistsAsync(string name, CancellationToken ct) =>
        await ScalarAsync("SELECT EXISTS (SELECT 1 FROM registry.daemons WHERE name = $1)", ct, name) is true;

    public async Task<bool> AnyDefaultDaemonAsync(CancellationToken ct) =>
        await ScalarAsync("SELECT EXISTS (SELECT 1 FROM registry.daemons WHERE is_default)", ct) is true;

    public async Task<List<DaemonRow>> ListDaemonsAsync(CancellationToken ct)
    {
        await using var cmd = Command($"SELECT {DaemonColumns} FROM registry.daemons ORDER BY name");
        return await ListAsync(cmd, r => ReadDaemon(r, 0), ct);
    }

    /// <summary>Inserts a daemon (a <see cref="PostgresException"/> with <see cref="PostgresErrorCodes.UniqueViolation"/>
    /// when the name is taken).</summary>
    public async Task InsertDaemonAsync(DaemonRow row, CancellationToken ct)
    {
        await using var cmd = Command("""
            INSERT INTO registry.daemons (name, display_name, accepts_deploy_id, protocol, host, deploy_config,
                haproxy_password_enc, is_default, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, row.Name, row.DisplayName, row.AcceptsDeployId, row.Protocol, row.Host, Json(row.DeployConfig),
            (object?)row.HaproxyPasswordEnc ?? DBNull.Value, row.IsDefault, row.CreatedAt);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Makes <paramref name="name"/> the default daemon (null: none is).</summary>
    public async Task SetDefaultDaemonAsync(string? name, CancellationToken ct)
    {
        await using (var clear = Command("UPDATE registry.daemons SET is_default = false WHERE is_default"))
            await clear.ExecuteNonQueryAsync(ct);
        if (name is null) return;
        await using var set = Command("UPDATE registry.daemons SET is_default = true WHERE name = $1", name);
        await set.ExecuteNonQueryAsync(ct);
    }

    public async Task UpdateDaemonConfigAsync(string name, string deployConfig, CancellationToken ct)
    {
        await using var cmd = Command("UPDATE registry.daemons SET deploy_config = $2 WHERE name = $1", name, Json(deployConfig));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes a daemon (a <see cref="PostgresException"/> with <see cref="PostgresErrorCodes.ForeignKeyViolation"/>
    /// while an app still uses it).</summary>
    public async Task DeleteDaemonAsync(string name, CancellationToken ct)
    {
        await using var cmd = Command("DELETE FROM registry.daemons WHERE name = $1", name);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    // --- mapping

    private static AppRow ReadApp(NpgsqlDataReader r) => new()
    {
        AppId = r.GetString(0),
        RegistrationId = r.GetGuid(1),
        Name = r.GetString(2),
        Version = r.GetString(3),
        DaemonName = r.GetString(4),
        Port = r.GetInt32(5),
        SecretEnc = r.GetString(6),
        Enabled = r.GetBoolean(7),
        Status = r.GetString(8),
        StatusSeq = r.GetInt64(9),
        Info = r.GetString(10),
        Routes = r.GetString(11),
        DeployOptions = r.GetString(12),
        Operation = NullableString(r, 13),
        LastOperation = NullableString(r, 14),
        RequestedOperation = NullableString(r, 15),
        Health = NullableString(r, 16),
        CreatedTime = r.GetInt64(17),
        DeployDetail = NullableString(r, 18),
    };

    private static DaemonRow ReadDaemon(NpgsqlDataReader r, int at) => new()
    {
        Name = r.GetString(at),
        DisplayName = r.GetString(at + 1),
        AcceptsDeployId = r.GetString(at + 2),
        Protocol = r.GetString(at + 3),
        Host = r.GetString(at + 4),
        DeployConfig = r.GetString(at + 5),
        HaproxyPasswordEnc = NullableString(r, at + 6),
        IsDefault = r.GetBoolean(at + 7),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(at + 8),
    };

    private static string? NullableString(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    /// <summary>A jsonb parameter (SQL NULL for null).</summary>
    private static NpgsqlParameter Json(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)value ?? DBNull.Value };

    // --- commands

    private void RequireTransaction()
    {
        if (_transaction is not { Live: true }) throw new InvalidOperationException("Locking a row needs an open transaction (BeginAsync).");
    }

    private NpgsqlCommand Command(string sql, params object?[] args)
    {
        var cmd = _transaction is { Live: true } tx
            ? new NpgsqlCommand(sql, tx.Connection, tx.Transaction)
            : dataSource.CreateCommand(sql);
        AddArgs(cmd.Parameters, args);
        return cmd;
    }

    /// <summary>Positional parameters ($1, $2, ...): a value as it is, or a parameter made already (jsonb).</summary>
    private static void AddArgs(NpgsqlParameterCollection parameters, params object?[] args)
    {
        foreach (var arg in args)
        {
            if (arg is CancellationToken) throw new ArgumentException("A cancellation token is not a parameter value.", nameof(args));
            parameters.Add(arg as NpgsqlParameter ?? new NpgsqlParameter { Value = arg ?? DBNull.Value });
        }
    }

    private async Task<T?> SingleAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct, params object?[] args)
        where T : class
    {
        await using var cmd = Command(sql, args);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? read(reader) : null;
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken ct, params object?[] args)
    {
        await using var cmd = Command(sql, args);
        return await cmd.ExecuteScalarAsync(ct);
    }

    private static async Task<List<T>> ListAsync<T>(NpgsqlCommand cmd, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        var list = new List<T>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(read(reader));
        return list;
    }

    /// <summary>Rolls back a transaction left open (a request that failed before it committed).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_transaction is { } tx) await tx.DisposeAsync();
    }

    public void Dispose()
    {
        if (_transaction is { } tx) tx.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>A transaction of <see cref="RegistryDb"/>: committed by <see cref="CommitAsync"/>, rolled back when
/// disposed without it. Its connection and transaction are there for code that writes other tables in it (the
/// outbox, the timeline).</summary>
public sealed class RegistryTransaction(RegistryDb db, NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    private bool _committed;
    private bool _disposed;

    public NpgsqlConnection Connection => connection;
    public NpgsqlTransaction Transaction => transaction;
    /// <summary>Neither committed nor disposed: commands of <see cref="RegistryDb"/> run in it.</summary>
    internal bool Live => !_committed && !_disposed;

    public async Task CommitAsync(CancellationToken ct)
    {
        await transaction.CommitAsync(ct);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        db.Ended(this);
        await transaction.DisposeAsync();
        await connection.DisposeAsync(); // back to the pool
    }
}
