using System.Net;
using System.Text.Json;
using ExApps.TestSupport;

namespace ExApps.Registry.IntegrationTests;

/// <summary>A registry on a PostgreSQL server of its own (a container the test can stop), to see liveness and
/// readiness part ways when the database goes.</summary>
public sealed class OwnDatabaseRegistryHost : RegistryHost
{
    public PostgresContainer Postgres { get; private set; } = null!;

    protected override string Database => BaseName + "_health";

    protected override string ServerConnectionString =>
        Postgres.ConnectionString.Replace($"Database={PostgresContainer.Database}", "Database=postgres");

    public override async Task InitializeAsync()
    {
        Postgres = await PostgresContainer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

public sealed class HealthTests(OwnDatabaseRegistryHost host) : IClassFixture<OwnDatabaseRegistryHost>
{
    [Fact]
    public async Task Readiness_fails_naming_postgres_while_the_database_is_down_and_liveness_does_not()
    {
        await RegistryHost.EventuallyAsync(async () => (await HealthAsync()).Status == HttpStatusCode.OK, "ready at start");

        await host.Postgres.StopAsync();
        try
        {
            var (status, report) = await HealthAsync();
            using var alive = await host.Http.GetAsync("/alive");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
            var postgres = report.GetProperty("checks").GetProperty("postgres");
            Assert.Equal("Unhealthy", postgres.GetProperty("status").GetString());
            Assert.StartsWith("postgres is unhealthy: ", postgres.GetProperty("description").GetString());
            Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("rabbitmq").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            Assert.DoesNotContain(PostgresContainer.Password, report.ToString());
        }
        finally
        {
            await host.Postgres.StartAgainAsync();
        }
        await RegistryHost.EventuallyAsync(async () => (await HealthAsync()).Status == HttpStatusCode.OK,
            "ready again once the database is back");
    }

    private async Task<(HttpStatusCode Status, JsonElement Report)> HealthAsync()
    {
        using var r = await host.Http.GetAsync("/health");
        return (r.StatusCode, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
