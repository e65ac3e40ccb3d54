using System.Collections.Concurrent;
using ExApps.Contracts;
using MassTransit;

namespace ExApps.Lifecycle.Tests;

/// <summary>The deployer's side of <see cref="StartContainer"/> and <see cref="StopContainer"/> on the in-memory
/// bus: answers as the deployer does (a response, or a fault carrying the reason) and records what it was asked.
/// The real deployer is exercised by the end-to-end tests.</summary>
public sealed class StandInDeployer
{
    /// <summary>When set, StartContainer faults with this message.</summary>
    public string? StartFailure { get; set; }

    /// <summary>StartContainer answers once this completes (to hold a start open mid-call).</summary>
    public Task StartAnswersAfter { get; set; } = Task.CompletedTask;

    public ConcurrentQueue<string> Started { get; } = new();

    public ConcurrentQueue<string> Stopped { get; } = new();

    public sealed class StartConsumer(StandInDeployer deployer) : IConsumer<StartContainer>
    {
        public async Task Consume(ConsumeContext<StartContainer> context)
        {
            deployer.Started.Enqueue(context.Message.AppId);
            await deployer.StartAnswersAfter.WaitAsync(context.CancellationToken);
            if (deployer.StartFailure is { } failure) throw new InvalidOperationException(failure);
            await context.RespondAsync(new ContainerRunning(context.Message.AppId));
        }
    }

    public sealed class StopConsumer(StandInDeployer deployer) : IConsumer<StopContainer>
    {
        public async Task Consume(ConsumeContext<StopContainer> context)
        {
            deployer.Stopped.Enqueue(context.Message.AppId);
            await context.RespondAsync(new ContainerStopped(context.Message.AppId, true));
        }
    }

    public static DaemonTarget DockerDaemon { get; } = new("docker_test", AppApiProtocol.DockerInstall, "http",
        "/var/run/docker.sock", "host", "cpu", null, [], new Dictionary<string, string>(), null);
}
