using ExApps.ServiceDefaults;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExApps.Lifecycle.Tests;

/// <summary>How every service migrates its schema (ServiceDefaults/PostgresSchema.cs), on the real PostgreSQL: each
/// migration once, its checksum kept, and an applied migration that was edited afterwards refused.</summary>
public sealed class SchemaMigrationTests : IAsyncLifetime
{
    private readonly string _schema = $"migtest_{Guid.NewGuid():N}"[..20];

    private SqlMigration First => new(1, $"CREATE TABLE {_schema}.a (x int);");
    private SqlMigration Second => new(2, $"CREATE TABLE {_schema}.b (y int);");

    public async Task InitializeAsync() => await PostgresSchema.EnsureDatabaseAsync(TestDatabase.ConnectionString);

    public async Task DisposeAsync()
    {
        await using var cmd = TestDatabase.DataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        await cmd.ExecuteNonQueryAsync();
    }

    private Task MigrateAsync(params SqlMigration[] migrations) =>
        PostgresSchema.MigrateAsync(TestDatabase.DataSource, _schema, migrations, NullLogger.Instance);

    private async Task<Dictionary<int, string?>> AppliedAsync()
    {
        await using var cmd = TestDatabase.DataSource.CreateCommand($"SELECT version, checksum FROM {_schema}.schema_version");
        await using var r = await cmd.ExecuteReaderAsync();
        var applied = new Dictionary<int, string?>();
        while (await r.ReadAsync()) applied[r.GetInt32(0)] = r.IsDBNull(1) ? null : r.GetString(1);
        return applied;
    }

    private async Task<bool> TableExistsAsync(string table)
    {
        await using var cmd = TestDatabase.DataSource.CreateCommand("SELECT to_regclass(@t) IS NOT NULL");
        cmd.Parameters.AddWithValue("t", $"{_schema}.{table}");
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Applies_each_migration_once_and_keeps_its_checksum()
    {
        await MigrateAsync(First);
        await MigrateAsync(First, Second); // the first is not run again (it would fail: the table exists)

        var applied = await AppliedAsync();
        Assert.Equal(PostgresSchema.Checksum(First.Sql), applied[1]);
        Assert.Equal(PostgresSchema.Checksum(Second.Sql), applied[2]);
        Assert.True(await TableExistsAsync("b"));
    }

    [Fact]
    public async Task An_applied_migration_edited_afterwards_stops_the_start_and_nothing_is_migrated()
    {
        await MigrateAsync(First);

        var edited = First with { Sql = $"CREATE TABLE {_schema}.a (x bigint);" };
        var e = await Assert.ThrowsAsync<ChangedMigrationException>(() => MigrateAsync(edited, Second));

        Assert.Equal([1], e.Versions);
        Assert.Contains(_schema, e.Message);
        Assert.False(await TableExistsAsync("b"));
        Assert.Equal([1], (await AppliedAsync()).Keys);
    }

    [Fact]
    public async Task Only_line_endings_differing_is_not_an_edit()
    {
        var multiLine = new SqlMigration(1, $"CREATE TABLE {_schema}.a (\n  x int\n);");
        await MigrateAsync(multiLine);

        await MigrateAsync(multiLine with { Sql = multiLine.Sql.Replace("\n", "\r\n") }, Second);

        Assert.True(await TableExistsAsync("b"));
    }

    [Fact]
    public async Task Versions_applied_before_checksums_were_kept_get_theirs_and_are_checked_from_then_on()
    {
        // A database migrated by a release that kept no checksums.
        await using (var cmd = TestDatabase.DataSource.CreateCommand(
            $"CREATE SCHEMA {_schema}; CREATE TABLE {_schema}.schema_version (version int PRIMARY KEY, " +
            $"applied_at timestamptz NOT NULL DEFAULT now()); {First.Sql} INSERT INTO {_schema}.schema_version (version) VALUES (1);"))
            await cmd.ExecuteNonQueryAsync();

        await MigrateAsync(First, Second);
        Assert.Equal(PostgresSchema.Checksum(First.Sql), (await AppliedAsync())[1]);

        await Assert.ThrowsAsync<ChangedMigrationException>(() =>
            MigrateAsync(First with { Sql = First.Sql + " -- edited" }, Second));
    }

    [Fact]
    public async Task Replicas_starting_together_apply_each_migration_once()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => MigrateAsync(First, Second))));

        var applied = await AppliedAsync();
        Assert.Equal([1, 2], applied.Keys.Order());
        Assert.Equal(PostgresSchema.Checksum(Second.Sql), applied[2]);
    }

    [Fact]
    public async Task Versions_the_code_does_not_know_are_left_alone()
    {
        await MigrateAsync(First, Second);

        await MigrateAsync(First); // an older release starting on a newer database

        Assert.Equal([1, 2], (await AppliedAsync()).Keys.Order());
    }
}
