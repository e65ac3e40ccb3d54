using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExApps.Contracts;
using MassTransit;

namespace ExApps.Registry.IntegrationTests;

/// <summary>A registry on a broker where no lifecycle ever started: RabbitMQ would drop a request nobody's queue
/// is bound to, so the registry keeps it in its outbox until a lifecycle is there.</summary>
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
    public async Task A_register_before_any_lifecycle_started_is_kept_and_delivered_once_one_listens()
    {
        await host.RegisterManualDaemonAsync("lone_manual");

        using var reg = await host.RegisterAsync("lonely", "lone_manual");
        Assert.Equal(HttpStatusCode.Accepted, reg.StatusCode);
        var operation = (await reg.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operation_id").GetGuid();
        await Task.Delay(1000);
        var waiting = await host.GetJsonAsync("/admin/apps/lonely");
        Assert.Equal("requested", waiting.GetProperty("current_operation").GetProperty("step").GetString());
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM registry.outbox WHERE message_type LIKE '%.InstallApp'"));

        var received = new TaskCompletionSource<InstallApp>();
        var lifecycle = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(host.Broker.Host, (ushort)host.Broker.Port, "/", h =>
            {
                h.Username(ExApps.TestSupport.RabbitMqContainer.Username);
                h.Password(ExApps.TestSupport.RabbitMqContainer.Password);
            });
            cfg.ReceiveEndpoint("lone-lifecycle", e => e.Handler<InstallApp>(c =>
            {
                received.TrySetResult(c.Message);
                return Task.CompletedTask;
            }));
        });
        await lifecycle.StartAsync();
        try
        {
            var install = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(operation, install.OperationId);
            await RegistryHost.EventuallyAsync(async () => await host.ScalarAsync<long>("SELECT count(*) FROM registry.outbox") == 0,
                "the outbox is empty");
        }
        finally
        {
            await lifecycle.StopAsync();
        }
    }
}
