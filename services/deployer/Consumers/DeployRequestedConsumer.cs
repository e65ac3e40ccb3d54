using ExApps.Contracts;
using MassTransit;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Deployer.Consumers;

/// <summary>Deploys an ExApp (docs/protocol.md §3) and reports <see cref="DeployProgress"/>, then <see cref="ContainerStarted"/>
/// or <see cref="DeployFailed"/>. A failed deploy is an answer, not an exception: retrying it would only repeat the
/// same failure, so the message is consumed either way. Docker deploys go through <see cref="DeployOperation"/>,
/// which makes them safe to run on several deployers and to redeliver.</summary>
public sealed class DeployRequestedConsumer(DeployOperation docker, ILogger<DeployRequestedConsumer> logger)
    : IConsumer<DeployRequested>
{
    public async Task Consume(ConsumeContext<DeployRequested> context)
    {
        var request = context.Message;
        logger.LogInformation("Deploying {AppId} {Version} ({Kind}, operation {OperationId}) on daemon {Daemon}",
            request.AppId, request.Version, request.Kind, request.OperationId, request.Daemon.Name);
        switch (request.Daemon.AcceptsDeployId)
        {
            case AppApiProtocol.DockerInstall:
                await docker.RunAsync(context);
                break;
            case AppApiProtocol.ManualInstall:
                // Someone else runs the ExApp: nothing to do but declare the deploy done. Repeating it is harmless.
                await Report(context, 0);
                await Report(context, 100);
                await context.PublishBounded(new ContainerStarted(request.OperationId, request.AppId, request.Kind,
                    request.Version, request.ExAppUrl, request.Secret), context.CancellationToken);
                break;
            default:
                var reason = $"Daemon {request.Daemon.Name} accepts '{request.Daemon.AcceptsDeployId}', which this " +
                             "deployer cannot deploy to.";
                logger.LogWarning("Deploy of {AppId} (operation {OperationId}) failed: {Reason}",
                    request.AppId, request.OperationId, reason);
                await Report(context, 0);
                await context.PublishBounded(new DeployFailed(request.OperationId, request.AppId, reason), context.CancellationToken);
                break;
        }
    }

    private static Task Report(ConsumeContext<DeployRequested> context, int progress) =>
        context.PublishBounded(new DeployProgress(context.Message.OperationId, context.Message.AppId, progress),
            context.CancellationToken);
}
