using System.Diagnostics;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using MassTransit;

namespace ExApps.Deployer.Consumers;

/// <summary>Answers a request whose work failed for a reason an operator can act on (a missing container, a failed
/// health check, refused credentials) with a fault carrying that reason, at once: the bus's retries would only
/// repeat it, and a health wait repeated five times is over an hour. An unreachable engine may come back, so those
/// failures take the usual retries before the requester sees the fault.</summary>
public static class RequestFaults
{
    public static async Task AnswerAsync<T>(ConsumeContext<T> context, Func<Task> work) where T : class
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await work();
        }
        catch (Exception e) when (e is DeployException or DockerEngineException { Kind: not DockerErrorKind.Unreachable })
        {
            await context.NotifyFaulted(context, Stopwatch.GetElapsedTime(started), TypeCache<T>.ShortName,
                new DeployException(e.Message));
        }
    }
}
