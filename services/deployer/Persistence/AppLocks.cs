using Npgsql;

namespace ExApps.Deployer.Persistence;

/// <summary>One PostgreSQL advisory lock per app id, shared by every deployer process on the database, so that
/// work on one app (deploy, start, stop, remove) never runs twice at once, across replicas too. The lock is held
/// by a connection of its own: if the deployer dies, PostgreSQL sees the connection close and releases it.</summary>
public sealed class AppLocks(DeployerDatabase database)
{
    // The first key of the two-key form keeps our locks apart from other users of advisory locks.
    private const int LockSpace = 0x4E43_4150; // "NCAP"

    public async Task<IAsyncDisposable> AcquireAsync(string appId, CancellationToken ct)
    {
        var conn = await database.Locks.OpenConnectionAsync(ct);
        try
        {
            // The server notices a deployer host that vanished without closing its sockets (power loss, network
            // cut) within about a minute, instead of the OS default of hours.
            await using (var keepalive = new NpgsqlCommand(
                             "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3",
                             conn))
                await keepalive.ExecuteNonQueryAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_lock(@space, hashtext(@app))", conn);
            cmd.Parameters.AddWithValue("space", LockSpace);
            cmd.Parameters.AddWithValue("app", appId);
            cmd.CommandTimeout = 0; // waiting for the lock is the point; the token bounds it
            await cmd.ExecuteNonQueryAsync(ct);
            return new Held(conn);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection conn) : IAsyncDisposable
    {
        // Closing the (unpooled) connection ends the session, which releases the lock.
        public ValueTask DisposeAsync() => conn.DisposeAsync();
    }
}
