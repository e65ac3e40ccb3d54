using ExApps.ServiceDefaults;
using MassTransit;
using MassTransit.RetryPolicies;
using RabbitMQ.Client.Exceptions;

namespace ExApps.Gateway.Tests;

/// <summary>The shortened reconnect policy of the receive endpoints (ServiceDefaults/BrokerReconnect.cs): it must
/// still reach into the pinned MassTransit version, keep MassTransit's choice of exceptions, and stay short.</summary>
public sealed class BrokerReconnectTests
{
    [Fact]
    public void Replaces_the_receive_transport_policy_of_a_rabbitmq_bus()
    {
        var applied = false;
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host("127.0.0.1", 1, "/", h => { h.Username("u"); h.Password("p"); });
            applied = BrokerReconnect.Apply(cfg);
        });
        Assert.NotNull(bus);
        Assert.True(applied, "MassTransit's host configuration no longer has the fields BrokerReconnect replaces");
    }

    [Fact]
    public void Retries_every_failure_within_a_short_interval()
    {
        var policy = BrokerReconnect.Policy();

        Assert.True(policy.IsHandled(new MassTransit.RabbitMqConnectionException("refused")));
        // MassTransit's own policy gives up for good on these; a booting broker can answer them
        Assert.True(policy.IsHandled(new AuthenticationFailureException("login refused")));
        Assert.True(policy.IsHandled(new InvalidOperationException("anything else")));
        var exponential = Assert.IsType<ExponentialRetryPolicy>(policy);
        Assert.Equal(int.MaxValue, exponential.RetryLimit);
        foreach (var attempt in new[] { 0, 1, 5, 1_000, 100_000 })
            Assert.InRange(exponential.GetRetryInterval(attempt), TimeSpan.Zero, BrokerReconnect.MaxInterval * 1.25);
    }
}
