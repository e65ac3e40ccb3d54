using Npgsql;
using Testcontainers.PostgreSql;

namespace ExApps.TestSupport;

/// <summary>A PostgreSQL 15 server of one fixture's own (for tests that stop or break their database); fixtures
/// that only need a database of their own keep using the host's server.</summary>
public sealed class PostgresContainer : IAsyncDisposable
{
    public const string Username = "exapps";
    public const string Password = "exapps-test";
    public const string Database = "exapps";

    private readonly PostgreSqlContainer _container;

    private PostgresContainer(PostgreSqlContainer container, int port)
    {
        _container = container;
        Port = port;
    }

    /// <summary>The mapped port on loopback: the engine's bridge address would work too, but this machine's tests
    /// keep their traffic on 127.0.0.1.</summary>
    public string Host => "127.0.0.1";
    public int Port { get; }
    public string ConnectionString =>
        $"Host={Host};Port={Port};Username={Username};Password={Password};Database={Database}";

    public static async Task<PostgresContainer> StartAsync(CancellationToken ct = default)
    {
        await InfraImages.EnsureAsync();
        var port = InfraImages.FreePort();
        var container = new PostgreSqlBuilder(InfraImages.Postgres)
            .WithDatabase(Database)
            .WithUsername(Username)
            .WithPassword(Password)
            .WithPortBinding(port, PostgreSqlBuilder.PostgreSqlPort)
            // Testcontainers starts PostgreSQL with fsync, full_page_writes and synchronous_commit off. The fault
            // tests kill this server, and with synchronous_commit off a transaction whose COMMIT had already
            // answered was gone after the restart (bench/faults.sh postgres-restart: an install the registry had
            // accepted with 202 vanished). A server as durable as a real one (the later -c wins):
            .WithCommand("-c", "fsync=on", "-c", "full_page_writes=on", "-c", "synchronous_commit=on")
            .Build();
        await container.StartAsync(ct);
        return new PostgresContainer(container, port);
    }

    public Task StopAsync(CancellationToken ct = default) => _container.StopAsync(ct);

    /// <summary>Starts a stopped server again (same port and data) and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        await _container.StartAsync(ct);
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct);
        guard.CancelAfter(TimeSpan.FromMinutes(1)); // hang guard only
        while (true)
        {
            try
            {
                await using var conn = new NpgsqlConnection(ConnectionString);
                await conn.OpenAsync(guard.Token);
                return;
            }
            catch (NpgsqlException)
            {
                await Task.Delay(200, guard.Token);
            }
        }
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
