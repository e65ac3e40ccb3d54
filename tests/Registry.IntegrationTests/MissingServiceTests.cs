using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ExApps.Registry.IntegrationTests;

/// <summary>A registry on a broker where no deployer or lifecycle ever started: commands would be dropped by
/// RabbitMQ without a queue, so the registry must refuse the operation and say what is missing.</summary>
public sealed class LoneRegistryHost : RegistryHost
{
    protected override string Database => BaseName + "_lone";
    protected override bool ObserveCommands => false;
}

[CollectionDefinition(Name)]
public sealed class LoneRegistryCollection : ICollectionFixture<LoneRegistryHost>
{
    public const string Name = "lone-registry";
}

[Collection(LoneRegistryCollection.Name)]
public sealed class MissingServiceTests(LoneRegistryHost host)
{
    [Fact]
    public async Task Register_without_any_deployer_is_refused_naming_the_deployer_and_stores_nothing()
    {
        await host.RegisterManualDaemonAsync("lone_manual");

        using var reg = await host.RegisterAsync("lonely", "lone_manual");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, reg.StatusCode);
        var problem = await reg.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("no_consumer", problem.GetProperty("error_code").GetString());
        Assert.Contains("deployer", problem.GetProperty("detail").GetString());
        using var get = await host.Http.GetAsync("/admin/apps/lonely");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
