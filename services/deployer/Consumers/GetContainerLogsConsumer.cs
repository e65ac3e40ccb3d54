using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using MassTransit;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Deployer.Consumers;

/// <summary>Answers the last lines of an ExApp container's stdout and stderr (frame headers removed). Manual
/// installs have no container here: their logs are wherever the operator runs them, so the text is empty.</summary>
public sealed class GetContainerLogsConsumer(IDockerEngines engines, AppNames names) : IConsumer<GetContainerLogs>
{
    public Task Consume(ConsumeContext<GetContainerLogs> context) => RequestFaults.AnswerAsync(context, async () =>
    {
        var request = context.Message;
        var text = "";
        if (request.Daemon.AcceptsDeployId == AppApiProtocol.DockerInstall)
        {
            var engine = engines.Get(request.Daemon);
            var name = names.Container(request.AppId);
            if (await engine.InspectContainerAsync(name, context.CancellationToken) is null)
                throw new DeployException($"Container {name} does not exist on Docker engine {engine.Endpoint}.");
            // No app lock: reading logs changes nothing and must work while a deploy or start is waiting.
            text = await engine.GetLogsAsync(name, request.Tail, context.CancellationToken);
        }
        await context.RespondBounded(new ContainerLogs(request.AppId, text));
    });
}
