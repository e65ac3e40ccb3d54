using System.Reflection;
using MassTransit;
using MassTransit.Configuration;

namespace ExApps.ServiceDefaults;

/// <summary>How quickly the receive endpoints come back after the broker connection was lost.
///
/// MassTransit 8 restarts each receive endpoint on the host's "receive transport retry policy": exponential from
/// 3 s to 30 s, plus a 1 s pause per attempt, and the policy's context is never reset after a successful reconnect.
/// A broker that is away for 5 s was therefore consumed from again only 10-20 s after its return (measured by
/// <c>bench/faults.sh 100 broker-stop-5s</c>, docs/reliability.md), and later in a process's life even 30 s. The
/// policy here retries after 0.5 s, growing to <see cref="MaxInterval"/>: a refused connection attempt every few
/// seconds costs nothing, and the endpoints consume again within about two seconds of the broker's return.
/// It also retries every exception, where MassTransit's gives up for good on those it does not list (an
/// authentication failure, a channel closed with a code it does not expect): a RabbitMQ that is still booting can
/// refuse a login or close a channel, and an endpoint that gives up then never consumes again while the process
/// looks alive. Such failures are logged (MassTransit's "Connection Failed" warnings and
/// <see cref="EndpointStateLog"/>, once per outage).
///
/// MassTransit exposes the policy only as a read-only property of its host configuration, so it is replaced
/// through reflection on the pinned version (8.5.12); <see cref="Apply"/> says whether it could, and the services
/// log a warning (and keep MassTransit's policy) when a new version moved the fields. A test pins it.</summary>
public static class BrokerReconnect
{
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(1.5);

    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    /// <summary>Replaces the receive endpoints' reconnect policy of the bus being configured; false when this
    /// version of MassTransit does not have the expected shape (nothing changed then).</summary>
    public static bool Apply(IBusFactoryConfigurator cfg)
    {
        var host = FindField(cfg.GetType(), "_hostConfiguration")?.GetValue(cfg) as IHostConfiguration;
        if (host is null) return false;
        var backing = FindField(host.GetType(), "<ReceiveTransportRetryPolicy>k__BackingField");
        if (backing is null || !typeof(IRetryPolicy).IsAssignableFrom(backing.FieldType)) return false;
        var original = host.ReceiveTransportRetryPolicy;
        backing.SetValue(host, Policy());
        return ReferenceEquals(host.ReceiveTransportRetryPolicy, original) is false;
    }

    /// <summary>Every failure to start consuming is retried on a short back-off (cancellation, the endpoint being
    /// stopped, is not a failure: MassTransit handles it before asking the policy).</summary>
    public static IRetryPolicy Policy() => Retry.CreatePolicy(x =>
    {
        x.Handle<Exception>();
        x.Exponential(int.MaxValue, TimeSpan.FromMilliseconds(250), MaxInterval, TimeSpan.FromMilliseconds(250));
    });

    private static FieldInfo? FindField(Type? type, string name)
    {
        for (; type is not null; type = type.BaseType)
            if (type.GetField(name, Private) is { } field) return field;
        return null;
    }
}
