using System.Diagnostics;
using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using ExApps.Deployer.Persistence;
using MassTransit;
using Microsoft.Extensions.Options;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Deployer.Consumers;

/// <summary>Runs one docker-install <see cref="DeployRequested"/> safely among several deployers:
/// <list type="bullet">
/// <item>the app's lock (<see cref="AppLocks"/>) is held for the whole deploy, so work on one app never overlaps;</item>
/// <item>a request whose operation already finished (a duplicate, or a redelivery after the outcome was recorded)
/// publishes that outcome again and touches nothing;</item>
/// <item>an operation whose deployer died is started over by the next delivery, and failed for good after
/// <see cref="DeployerOptions.MaxDeployAttempts"/> starts, so it never stays "deploying";</item>
/// <item>no delivery is held longer than <see cref="DeployerOptions.MaxMessageHold"/> (RabbitMQ's consumer_timeout
/// would close the channel): past it, a copy goes back to the queue and the deploy goes on in the background.</item>
/// </list></summary>
public sealed class DeployOperation(AppLocks locks, OperationLog log, DockerDeployment docker, IBus bus,
    BackgroundDeploys background, IOptions<DeployerOptions> options, ILogger<DeployOperation> logger)
{
    public async Task RunAsync(ConsumeContext<DeployRequested> context)
    {
        var request = context.Message;
        var held = Stopwatch.StartNew();
        var maxHold = options.Value.MaxMessageHold;

        IAsyncDisposable appLock;
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken))
        {
            wait.CancelAfter(maxHold);
            try
            {
                appLock = await locks.AcquireAsync(request.AppId, wait.Token);
            }
            catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
            {
                await HandBackAsync(context, "another operation of the app still runs");
                return;
            }
        }

        var workCts = CancellationTokenSource.CreateLinkedTokenSource(background.Stopping);
        var work = RunLockedAsync(request, appLock, workCts.Token);
        var left = maxHold - held.Elapsed;
        using (var delay = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken))
        {
            await Task.WhenAny(work, Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, delay.Token));
            await delay.CancelAsync(); // no timer outlives the deploy
        }
        if (work.IsCompleted || context.CancellationToken.IsCancellationRequested)
        {
            // Shutting down: stop the deploy and leave the message unacknowledged for another deployer.
            if (!work.IsCompleted) await workCts.CancelAsync();
            try
            {
                await work;
            }
            finally
            {
                workCts.Dispose();
            }
            return;
        }
        background.Track(work);
        _ = work.ContinueWith(_ => workCts.Dispose(), TaskScheduler.Default);
        await HandBackAsync(context, "the deploy takes longer than the message may stay unacknowledged");
    }

    private async Task HandBackAsync(ConsumeContext<DeployRequested> context, string why)
    {
        logger.LogInformation("Handing deploy of {AppId} (operation {OperationId}) back to the queue: {Why}",
            context.Message.AppId, context.Message.OperationId, why);
        var endpoint = await context.GetSendEndpoint(context.ReceiveContext.InputAddress);
        await endpoint.SendBounded(context.Message, context.CancellationToken);
    }

    private async Task RunLockedAsync(DeployRequested request, IAsyncDisposable appLock, CancellationToken ct)
    {
        await using var _ = appLock;
        var record = await log.BeginAsync(request.OperationId, request.AppId, ct);
        if (record.Finished)
        {
            logger.LogInformation("Deploy of {AppId} (operation {OperationId}) already {Outcome}; answering again",
                request.AppId, request.OperationId, record.Outcome);
            await PublishOutcomeAsync(request, record.Reason, ct);
            return;
        }
        var max = options.Value.MaxDeployAttempts;
        string? failure;
        if (record.Attempts > max)
        {
            failure = $"Deploy of {request.AppId} was interrupted {max} time(s) (the deployer running it stopped " +
                      "or crashed); giving up. See the deployer logs, then install the app again.";
        }
        else
        {
            if (record.Attempts > 1)
                logger.LogWarning("Deploy of {AppId} (operation {OperationId}) starts over: attempt {Attempt} of {Max}",
                    request.AppId, request.OperationId, record.Attempts, max);
            failure = await DeployAsync(new DeployAttempt(request, record, log, bus, logger), ct);
        }
        await log.FinishAsync(request.OperationId, failure is null ? OperationRecord.Started : OperationRecord.Failed,
            failure, ct);
        await PublishOutcomeAsync(request, failure, ct);
    }

    /// <returns>null when the container runs, else the reason it does not.</returns>
    private async Task<string?> DeployAsync(DeployAttempt attempt, CancellationToken ct)
    {
        var request = attempt.Request;
        try
        {
            await docker.RunAsync(attempt, ct);
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // shutting down: the message goes to another deployer, which starts over
        }
        catch (Exception e) when (e is DockerEngineException or DeployException)
        {
            var reason = Redaction.Redact(e.Message, request);
            logger.LogWarning("Deploy of {AppId} (operation {OperationId}) failed: {Reason}",
                request.AppId, request.OperationId, reason);
            return reason;
        }
        catch (Exception e)
        {
            // A bug, not an engine answer: keep the stack for us, give the operator the gist.
            var reason = Redaction.Redact($"Deploy of {request.AppId} failed unexpectedly: {e.Message}", request);
            logger.LogError("Unexpected {Type} deploying {AppId}: {Reason}\n{Stack}",
                e.GetType().Name, request.AppId, reason, e.StackTrace);
            return reason;
        }
    }

    private Task PublishOutcomeAsync(DeployRequested request, string? failure, CancellationToken ct) =>
        failure is null
            ? bus.PublishBounded(new ContainerStarted(request.OperationId, request.AppId, request.Kind, request.Version,
                request.ExAppUrl, request.Secret), ct)
            : bus.PublishBounded(new DeployFailed(request.OperationId, request.AppId, failure), ct);
}
