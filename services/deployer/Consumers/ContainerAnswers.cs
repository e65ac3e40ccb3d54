using System.Diagnostics;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using MassTransit;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Deployer.Consumers;

/// <summary>Container work for the lifecycle is answered by an event, published whatever happened: the answer,
/// or one built by <c>failed</c> with a reason an operator can act on (a missing container, a failed health check,
/// refused credentials), at once, since the bus's retries would only repeat it. An unreachable engine may come
/// back, so that failure takes the usual retries first. When the command came as a request, the requester also
/// gets the answer as its response.</summary>
public static class ContainerAnswers
{
    public static async Task PublishAsync<TCommand, TAnswer>(ConsumeContext<TCommand> context,
        Func<string, TAnswer> failed, Func<Task<TAnswer>> work)
        where TCommand : class
        where TAnswer : class
    {
        TAnswer answer;
        var started = Stopwatch.GetTimestamp();
        try
        {
            answer = await work();
        }
        catch (Exception e) when (e is DeployException or DockerEngineException { Kind: not DockerErrorKind.Unreachable })
        {
            answer = failed(e.Message);
        }
        catch (DockerEngineException e) when (context.GetRetryAttempt() >= 4)
        {
            // the engine stayed unreachable through every retry: say so rather than leave the caller waiting
            answer = failed($"{e.Message} (after {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s)");
        }
        await context.PublishBounded(answer, context.CancellationToken);
        if (context.ResponseAddress is not null) await context.RespondBounded(answer);
    }
}
