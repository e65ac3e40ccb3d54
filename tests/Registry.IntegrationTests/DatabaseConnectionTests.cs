using Npgsql;

namespace ExApps.Registry.IntegrationTests;

[Collection(RegistryCollection.Name)]
public sealed class DatabaseConnectionTests(RegistryHost host)
{
    /// <summary>The registry's connection string names 127.0.0.1 and says nothing about SSL: its connections to the
    /// server (Debian's PostgreSQL has <c>ssl = on</c>) are plain, not TLS that encrypts every row for a link that
    /// never leaves the host.</summary>
    [Fact]
    public async Task Connections_to_a_server_on_the_same_host_are_not_encrypted()
    {
        using (var answer = await host.Http.GetAsync("/admin/daemons")) answer.EnsureSuccessStatusCode(); // a query of the registry's

        await using var probe = new NpgsqlConnection(host.ConnectionString + ";Application Name=" + RegistryHost.TestsApplicationName);
        await probe.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl)
            FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
            WHERE a.datname = current_database() AND a.backend_type = 'client backend' AND a.application_name <> @tests
            """, probe);
        cmd.Parameters.AddWithValue("tests", RegistryHost.TestsApplicationName);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (encrypted, plain) = (reader.GetInt64(0), reader.GetInt64(1));
        Assert.True(plain + encrypted > 0, "the registry holds no connection to its database");
        Assert.True(encrypted == 0, $"{encrypted} of the registry's {plain + encrypted} connections use TLS");
    }
}
