using MassTransit;

namespace ExApps.ServiceDefaults.Outbox;

public static class MandatoryPublish
{
    /// <summary><see cref="BusExtensions.PublishCommand{T}"/> for a message whose type is known at run time.</summary>
    public static Task PublishCommand(this IPublishEndpoint publish, object message, Type type, CancellationToken ct) =>
        publish.Publish(message, type, Pipe.Execute<PublishContext>(context =>
        {
            if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit)) rabbit.Mandatory = true;
        }), ct);
}
