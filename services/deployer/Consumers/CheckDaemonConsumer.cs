using ExApps.Contracts;
using ExApps.Deployer.Docker;
using MassTransit;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Deployer.Consumers;

/// <summary>Checks that a daemon's engine answers (docs/protocol.md §1: <c>GET /_ping</c> within 3 s) and which Engine API
/// version this deployer will speak to it. Every outcome is an answer: an unreachable engine, refused credentials
/// or a TLS failure is <c>Reachable = false</c> with the reason.</summary>
public sealed class CheckDaemonConsumer(IDockerEngines engines, ILogger<CheckDaemonConsumer> logger)
    : IConsumer<CheckDaemon>
{
    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(3);

    public async Task Consume(ConsumeContext<CheckDaemon> context)
    {
        var daemon = context.Message.Daemon;
        if (daemon.AcceptsDeployId == AppApiProtocol.ManualInstall)
        {
            await context.RespondBounded(new DaemonChecked(true,
                $"Daemon {daemon.Name} is a manual-install daemon: there is no engine to check.", null));
            return;
        }
        if (daemon.AcceptsDeployId != AppApiProtocol.DockerInstall)
        {
            await context.RespondBounded(new DaemonChecked(false,
                $"Daemon {daemon.Name} accepts '{daemon.AcceptsDeployId}', which this deployer cannot deploy to.", null));
            return;
        }

        DaemonChecked answer;
        try
        {
            var engine = engines.Get(daemon);
            await engine.PingAsync(context.CancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            timeout.CancelAfter(VersionTimeout);
            var version = await engine.GetVersionAsync(timeout.Token);
            var api = await engine.GetApiVersionAsync(timeout.Token); // refuses an engine we cannot speak to
            answer = new DaemonChecked(true,
                $"Docker engine {engine.Endpoint} is reachable (Docker {version.Version}, Engine API {api}).", api);
        }
        catch (DockerEngineException e)
        {
            answer = new DaemonChecked(false, Redaction.Redact(e.Message, daemon.HaproxyPassword), null);
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            answer = new DaemonChecked(false, $"Daemon {daemon.Name}'s engine answered the ping but not GET /version " +
                                              $"within {VersionTimeout.TotalSeconds:0} s.", null);
        }
        logger.LogInformation("Checked daemon {Daemon}: {Message}", daemon.Name, answer.Message);
        await context.RespondBounded(answer);
    }
}
