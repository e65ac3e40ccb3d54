using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using ExApps.Deployer.Persistence;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Deployer.Consumers;

/// <summary>Stops an ExApp's container (a disable, or a container that crashed while it started) and answers
/// <see cref="ContainerStopped"/>. A container that is missing or already stopped is not an error
/// (<c>WasRunning = false</c>); manual installs have none.</summary>
public sealed class StopContainerConsumer(IDockerEngines engines, AppNames names, AppLocks locks,
    IOptions<DeployerOptions> options, ILogger<StopContainerConsumer> logger) : IConsumer<StopContainer>
{
    public Task Consume(ConsumeContext<StopContainer> context) => ContainerAnswers.PublishAsync(context,
        error => new ContainerStopped(context.Message.OperationId, context.Message.AppId, false, error), async () =>
    {
        var request = context.Message;
        var ct = context.CancellationToken;
        var wasRunning = false;
        if (request.Daemon.AcceptsDeployId == AppApiProtocol.DockerInstall)
        {
            var engine = engines.Get(request.Daemon);
            var name = names.Container(request.AppId);
            await using (await locks.AcquireAsync(request.AppId, ct))
            {
                // "restarting" counts as running: its restart policy would start it again.
                wasRunning = await engine.InspectContainerAsync(name, ct) is { State.Status: "running" or "restarting" }
                             && await engine.StopContainerAsync(name, options.Value.StopTimeout, ct);
            }
            logger.LogInformation("Stopped {Container} on {Engine} ({State})", name, engine.Endpoint,
                wasRunning ? "was running" : "was not running");
        }
        return new ContainerStopped(request.OperationId, request.AppId, wasRunning, "");
    });
}
