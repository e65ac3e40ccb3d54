using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using ExApps.Deployer.Persistence;
using MassTransit;

namespace ExApps.Deployer.Consumers;

/// <summary>Starts an ExApp's container (an enable) and answers <see cref="ContainerRunning"/> once it runs (90 s)
/// and its health check, if any, passed (15 min), with the reason in <c>Error</c> when it does not. A container
/// that already runs is fine; manual installs have no container and answer at once.</summary>
public sealed class StartContainerConsumer(IDockerEngines engines, AppNames names, AppLocks locks,
    ContainerWaits waits, HostPortGuard ports, ILogger<StartContainerConsumer> logger) : IConsumer<StartContainer>
{
    public Task Consume(ConsumeContext<StartContainer> context) => ContainerAnswers.PublishAsync(context,
        error => new ContainerRunning(context.Message.OperationId, context.Message.AppId, error, 0), async () =>
    {
        var request = context.Message;
        var ct = context.CancellationToken;
        var restarts = 0;
        if (request.Daemon.AcceptsDeployId == AppApiProtocol.DockerInstall)
        {
            var engine = engines.Get(request.Daemon);
            var name = names.Container(request.AppId);
            await using (await locks.AcquireAsync(request.AppId, ct))
            {
                var container = await engine.InspectContainerAsync(name, ct)
                    ?? throw new DeployException($"Container {name} does not exist on Docker engine {engine.Endpoint}; " +
                                                 "update or reinstall the app to create it again.");
                if (container.State?.Running != true && AppPort(container.Config?.Env) is { } port)
                    await ports.EnsureFreeAsync(request.Daemon, request.AppId, port, ct);
                await engine.StartContainerAsync(name, ct);
                await waits.WaitRunningAsync(engine, name, ct);
                await waits.WaitHealthyAsync(engine, name, ct);
                restarts = (int)((await engine.InspectContainerAsync(name, ct))?.RestartCount ?? 0);
            }
            logger.LogInformation("Started {Container} on {Engine}", name, engine.Endpoint);
        }
        return new ContainerRunning(request.OperationId, request.AppId, "", restarts);
    });

    /// <summary>The port the container was created with (its APP_PORT, docs/protocol.md §3 step 4).</summary>
    private static int? AppPort(IEnumerable<string>? env) =>
        env?.Select(e => e.StartsWith("APP_PORT=", StringComparison.Ordinal) && int.TryParse(e.AsSpan(9), out var p) ? p : (int?)null)
            .FirstOrDefault(p => p is not null);
}
