using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using MassTransit;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Deployer.Consumers;

/// <summary>Answers the state of an app's container (the lifecycle checks for crashes while the app starts up),
/// with its last log lines when it is not running. No app lock: reading changes nothing. Manual installs have no
/// container here: answered as running.</summary>
public sealed class InspectContainerConsumer(IDockerEngines engines, AppNames names) : IConsumer<InspectContainer>
{
    public Task Consume(ConsumeContext<InspectContainer> context) => RequestFaults.AnswerAsync(context, async () =>
    {
        var request = context.Message;
        var ct = context.CancellationToken;
        if (request.Daemon.AcceptsDeployId != AppApiProtocol.DockerInstall)
        {
            await context.RespondBounded(new ContainerInspected { AppId = request.AppId, Exists = true, Running = true, Status = "running" });
            return;
        }
        var engine = engines.Get(request.Daemon);
        var name = names.Container(request.AppId);
        var info = await engine.InspectContainerAsync(name, ct);
        if (info is null)
        {
            await context.RespondBounded(new ContainerInspected { AppId = request.AppId, Exists = false });
            return;
        }
        var logs = "";
        var state = info.State;
        if ((state is not { Running: true } || info.RestartCount > 0) && request.LogLines > 0)
            logs = await engine.GetLogsAsync(name, Math.Clamp(request.LogLines, 1, 200), ct);
        await context.RespondBounded(new ContainerInspected
        {
            AppId = request.AppId,
            Exists = true,
            Running = state is { Running: true, Status: "running" },
            Status = state?.Status ?? "",
            ExitCode = (int)(state?.ExitCode ?? 0),
            RestartCount = (int)info.RestartCount,
            OomKilled = state?.OOMKilled ?? false,
            Error = state?.Error ?? "",
            Logs = Tail(logs, 4000),
        });
    });

    private static string Tail(string text, int max) => text.Length <= max ? text.TrimEnd() : "..." + text[^max..].TrimEnd();
}
