using ExApps.ServiceDefaults;
using MassTransit;
using MassTransit.NewIdProviders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Tests;

/// <summary>Options are checked by generated validators (ServiceDefaults/OptionsValidation.cs) with the rules their
/// attributes state, and MassTransit's ids carry a worker id of the process's own (BusExtensions.cs).</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void The_defaults_pass()
    {
        Assert.Equal(5672, Resolve<RabbitMqOptions, RabbitMqOptionsValidator>("RabbitMq", []).Port);
        Assert.Equal(10, Resolve<GatewayOptions, GatewayOptionsValidator>("Gateway", []).Throttle.MaxFailures);
    }

    [Theory]
    [InlineData("RabbitMq:Port", "0", "Port")]
    [InlineData("RabbitMq:Port", "70000", "Port")]
    [InlineData("RabbitMq:Host", "", "Host")]
    public void A_setting_outside_its_attributes_fails_with_its_name(string key, string value, string name)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Resolve<RabbitMqOptions, RabbitMqOptionsValidator>("RabbitMq", new() { [key] = value }));

        Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData("Gateway:RegistryUrl", "not a url", "RegistryUrl")]
    [InlineData("Gateway:ExAppLogLevel", "5", "ExAppLogLevel")]
    // The nested sections' upper bounds, which the reflection validator never looked at.
    [InlineData("Gateway:Throttle:MaxFailures", "5000", "MaxFailures")]
    [InlineData("Gateway:Limits:MaxOcsBodyBytes", "1073741824", "MaxOcsBodyBytes")]
    public void The_gateways_rules_include_its_nested_sections(string key, string value, string name)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Resolve<GatewayOptions, GatewayOptionsValidator>("Gateway", new() { [key] = value }));

        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Ids_carry_the_processs_own_worker_id()
    {
        var worker = new ProcessWorkerId().GetWorkerId(0);

        // (a generator of its own: NewId's shared one is made once per process, by whichever test first needs an id,
        // e.g. BrokerReconnectTests' bus naming its temporary queue, with the provider installed at that time)
        var id = new NewIdGenerator(new StopwatchTickProvider(), new ProcessWorkerId()).Next().ToByteArray();

        // NewId's layout: bytes 4-7 are the worker id's bytes 2-5 in reverse (its first two give way to the process id).
        Assert.Equal(6, worker.Length);
        Assert.Equal(Convert.ToHexString(worker[2..6].Reverse().ToArray()), Convert.ToHexString(id[4..8]));
    }

    private static T Resolve<T, TValidator>(string section, Dictionary<string, string?> settings)
        where T : class where TValidator : class, IValidateOptions<T>
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateAttributes<T, TValidator>();
        return services.BuildServiceProvider().GetRequiredService<IOptions<T>>().Value;
    }
}
