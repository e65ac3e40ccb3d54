using ExApps.ServiceDefaults;
using Npgsql;

namespace ExApps.Lifecycle.Tests;

/// <summary>The services' data sources (<see cref="PostgresSchema.WithPoolLimits"/>) keep the statements they run
/// again and again prepared on the real PostgreSQL, unless the operator's connection string says otherwise.</summary>
public sealed class PreparedStatementTests
{
    [Theory]
    [InlineData("Host=127.0.0.1;Database=x", PostgresSchema.AutoPreparedStatements)]
    [InlineData("Host=127.0.0.1;Database=x;Max Auto Prepare=0", 0)] // a pooler that cannot keep them
    [InlineData("Host=127.0.0.1;Database=x;MaxAutoPrepare=7", 7)]
    public void The_operators_setting_wins(string configured, int expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(PostgresSchema.WithPoolLimits(configured, 5)).MaxAutoPrepare);

    [Theory]
    [InlineData("", true)]
    [InlineData(";Max Auto Prepare=0", false)]
    public async Task A_statement_run_again_and_again_is_prepared_on_its_connection(string extra, bool prepared)
    {
        await PostgresSchema.EnsureDatabaseAsync(TestDatabase.ConnectionString);
        await using var source = NpgsqlDataSource.Create(PostgresSchema.WithPoolLimits(TestDatabase.ConnectionString + extra, 2));
        await using var conn = await source.OpenConnectionAsync();
        var marker = $"prepared_{Guid.NewGuid():N}";
        for (var i = 0; i < 6; i++)
        {
            await using var cmd = new NpgsqlCommand($"SELECT @x::int + 1 AS {marker}", conn);
            cmd.Parameters.AddWithValue("x", i);
            Assert.Equal(i + 1, (int)(await cmd.ExecuteScalarAsync())!);
        }

        await using var check = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE @m", conn);
        check.Parameters.AddWithValue("m", $"%{marker}%");
        Assert.Equal(prepared ? 1L : 0L, (long)(await check.ExecuteScalarAsync())!);
    }
}
