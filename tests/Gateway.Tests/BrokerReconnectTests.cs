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
    public void Retries_what_masstransit_retries_within_a_short_interval()
    {
        var original = Retry.CreatePolicy(x =>
        {
            x.Handle<ConnectionException>();
            x.Ignore<AuthenticationFailureException>();
            x.Exponential(1000, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3));
        });
        var policy = BrokerReconnect.Policy(original);

        Assert.True(policy.IsHandled(new MassTransit.RabbitMqConnectionException("refused")));
        Assert.False(policy.IsHandled(new AuthenticationFailureException("bad password")));
        Assert.False(policy.IsHandled(new InvalidOperationException("a bug")));
        var exponential = Assert.IsType<ExponentialRetryPolicy>(policy);
        Assert.Equal(int.MaxValue, exponential.RetryLimit);
        foreach (var attempt in new[] { 0, 1, 5, 1_000, 100_000 })
            Assert.InRange(exponential.GetRetryInterval(attempt), TimeSpan.Zero, BrokerReconnect.MaxInterval * 1.25);
    }
}
