using ExApps.ServiceDefaults;
using Npgsql;

namespace ExApps.Lifecycle.Tests;

/// <summary>The services' pools do not reset a connection when it is returned (<see cref="PostgresSchema.WithPoolLimits"/>),
/// on the real PostgreSQL: what that leaves (a session lock) and what it does not (an open transaction), and that
/// session state lives on <see cref="PostgresSchema.SessionSource"/> connections only as long as they do.</summary>
public sealed class PoolResetTests
{
    [Theory]
    [InlineData("Host=127.0.0.1;Database=x", true)]
    [InlineData("Host=127.0.0.1;Database=x;No Reset On Close=false", false)]
    [InlineData("Host=127.0.0.1;Database=x;NoResetOnClose=false", false)]
    public void Pooled_connections_are_not_reset_unless_the_operator_says_so(string configured, bool expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(PostgresSchema.WithPoolLimits(configured, 5)).NoResetOnClose);

    [Fact]
    public async Task A_transaction_left_open_on_a_returned_connection_is_rolled_back_all_the_same()
    {
        await TestDatabase.ResetAsync();
        await using var source = NpgsqlDataSource.Create(PostgresSchema.WithPoolLimits(TestDatabase.ConnectionString, 1));
        int pid;
        await using (var conn = await source.OpenConnectionAsync())
        {
            pid = await BackendPidAsync(conn);
            var tx = await conn.BeginTransactionAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO lifecycle.outbox (message_type, body, created_at) VALUES ('left-open', '{}', now())", conn, tx);
            await insert.ExecuteNonQueryAsync();
            // returned to the pool without a commit or a rollback
        }

        await using (var again = await source.OpenConnectionAsync())
        {
            Assert.Equal(pid, await BackendPidAsync(again)); // the same physical connection, not reset
            await using var status = new NpgsqlCommand("SELECT count(*) FROM lifecycle.outbox WHERE message_type = 'left-open'", again);
            Assert.Equal(0L, (long)(await status.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task A_session_lock_ends_with_its_session_source_connection_but_would_outlive_a_pooled_one()
    {
        await TestDatabase.ResetAsync();
        const long key = 0x7E57_0001;
        await using var pooled = NpgsqlDataSource.Create(PostgresSchema.WithPoolLimits(TestDatabase.ConnectionString, 1));
        await using var sessions = PostgresSchema.SessionSource(TestDatabase.ConnectionString, "exapps-test-sessions");

        await using (var conn = await sessions.OpenConnectionAsync()) Assert.True(await TryLockAsync(conn, key));
        await using (var other = await sessions.OpenConnectionAsync())
            Assert.True(await TryLockAsync(other, key), "the lock outlived its session source connection");

        // Why session state needs the session source: returned to a pool that does not reset, the lock stays.
        await using (var conn = await pooled.OpenConnectionAsync()) Assert.True(await TryLockAsync(conn, key));
        await using (var other = await sessions.OpenConnectionAsync()) Assert.False(await TryLockAsync(other, key));
    }

    private static async Task<int> BackendPidAsync(NpgsqlConnection conn)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_backend_pid()", conn);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection conn, long key)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(@k)", conn);
        cmd.Parameters.AddWithValue("k", key);
        return await cmd.ExecuteScalarAsync() is true;
    }
}
