using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using MassTransit;

namespace ExApps.Deployer.Consumers;

/// <summary>Deploys an ExApp (spec §3) and reports <see cref="DeployProgress"/>, then <see cref="ContainerStarted"/>
/// or <see cref="DeployFailed"/>. A failed deploy is an answer, not an exception: retrying it would only repeat the
/// same failure, so the message is consumed either way.</summary>
public sealed class DeployRequestedConsumer(DockerDeployment docker, ILogger<DeployRequestedConsumer> logger)
    : IConsumer<DeployRequested>
{
    public async Task Consume(ConsumeContext<DeployRequested> context)
    {
        var request = context.Message;
        var ct = context.CancellationToken;
        Task Report(int progress) => context.Publish(new DeployProgress(request.OperationId, request.AppId, progress), ct);

        logger.LogInformation("Deploying {AppId} {Version} ({Kind}, operation {OperationId}) on daemon {Daemon}",
            request.AppId, request.Version, request.Kind, request.OperationId, request.Daemon.Name);
        try
        {
            await Report(0);
            switch (request.Daemon.AcceptsDeployId)
            {
                case AppApiProtocol.ManualInstall:
                    // Someone else runs the ExApp: nothing to do but declare the deploy done.
                    await Report(100);
                    break;
                case AppApiProtocol.DockerInstall:
                    await docker.RunAsync(request, Report, ct);
                    break;
                default:
                    throw new DeployException(
                        $"Daemon {request.Daemon.Name} accepts '{request.Daemon.AcceptsDeployId}', which this deployer cannot deploy to.");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // shutting down: the broker redelivers the message to another deployer
        }
        catch (Exception e) when (e is DockerEngineException or DeployException)
        {
            await FailAsync(context, Redact(e.Message, request));
            return;
        }
        catch (Exception e)
        {
            // A bug, not an engine answer: keep the stack for us, give the operator the gist.
            var reason = Redact($"Deploy of {request.AppId} failed unexpectedly: {e.Message}", request);
            logger.LogError("Unexpected {Type} deploying {AppId}: {Reason}\n{Stack}",
                e.GetType().Name, request.AppId, reason, e.StackTrace);
            await FailAsync(context, reason);
            return;
        }

        await context.Publish(new ContainerStarted(request.OperationId, request.AppId, request.Kind, request.Version,
            request.ExAppUrl, request.Secret), ct);
    }

    private async Task FailAsync(ConsumeContext<DeployRequested> context, string reason)
    {
        var request = context.Message;
        logger.LogWarning("Deploy of {AppId} (operation {OperationId}) failed: {Reason}",
            request.AppId, request.OperationId, reason);
        await context.Publish(new DeployFailed(request.OperationId, request.AppId, reason), context.CancellationToken);
    }

    // Engine answers are not ours: if one ever echoed a secret, it must not reach a log or the status object.
    private static string Redact(string reason, DeployRequested request)
    {
        foreach (var secret in new[] { request.Secret.Value, request.Daemon.HaproxyPassword?.Value })
            if (!string.IsNullOrEmpty(secret))
                reason = reason.Replace(secret, "***", StringComparison.Ordinal);
        return reason;
    }
}
