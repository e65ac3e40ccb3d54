using System.Collections.Concurrent;
using ExApps.Contracts;
using MassTransit;

namespace ExApps.Lifecycle.Tests;

/// <summary>The deployer's side of the container commands on the in-memory bus: answers as the deployer does
/// (events carrying the operation id) and records what it was asked. The real deployer is exercised by the
/// end-to-end tests.</summary>
public sealed class StandInDeployer
{
    /// <summary>When set, a deploy fails with this reason.</summary>
    public string? DeployFailure { get; set; }

    /// <summary>When false, deploys get no answer at all (a deployer that never comes).</summary>
    public bool AnswerDeploys { get; set; } = true;

    /// <summary>When set, StartContainer answers with this error.</summary>
    public string? StartFailure { get; set; }

    /// <summary>When set, RemoveContainer answers with this error.</summary>
    public string? RemoveFailure { get; set; }

    /// <summary>What container checks answer (running, no restarts, unless a test says otherwise).</summary>
    public Func<string, ContainerInspected> Inspect { get; set; } =
        appId => new ContainerInspected { AppId = appId, Exists = true, Running = true, Status = "running" };

    public ConcurrentQueue<DeployRequested> Deploys { get; } = new();
    public ConcurrentQueue<string> Started { get; } = new();
    public ConcurrentQueue<string> Stopped { get; } = new();
    public ConcurrentQueue<RemoveContainer> Removed { get; } = new();
    public ConcurrentQueue<string> Inspected { get; } = new();

    public sealed class DeployConsumer(StandInDeployer d) : IConsumer<DeployRequested>
    {
        public async Task Consume(ConsumeContext<DeployRequested> c)
        {
            var m = c.Message;
            d.Deploys.Enqueue(m);
            if (!d.AnswerDeploys) return;
            await c.Publish(new DeployProgress(m.OperationId, m.AppId, 0));
            await c.Publish(new DeployProgress(m.OperationId, m.AppId, 50));
            if (d.DeployFailure is { } failure) { await c.Publish(new DeployFailed(m.OperationId, m.AppId, failure)); return; }
            await c.Publish(new DeployProgress(m.OperationId, m.AppId, 100));
            await c.Publish(new ContainerStarted(m.OperationId, m.AppId, m.Kind, m.Version, m.ExAppUrl, m.Secret));
        }
    }

    public sealed class StartConsumer(StandInDeployer d) : IConsumer<StartContainer>
    {
        public Task Consume(ConsumeContext<StartContainer> c)
        {
            d.Started.Enqueue(c.Message.AppId);
            return c.Publish(new ContainerRunning(c.Message.OperationId, c.Message.AppId, d.StartFailure ?? "", 0));
        }
    }

    public sealed class StopConsumer(StandInDeployer d) : IConsumer<StopContainer>
    {
        public Task Consume(ConsumeContext<StopContainer> c)
        {
            d.Stopped.Enqueue(c.Message.AppId);
            return c.Publish(new ContainerStopped(c.Message.OperationId, c.Message.AppId, true, ""));
        }
    }

    public sealed class RemoveConsumer(StandInDeployer d) : IConsumer<RemoveContainer>
    {
        public Task Consume(ConsumeContext<RemoveContainer> c)
        {
            d.Removed.Enqueue(c.Message);
            return c.Publish(new ContainerRemoved(c.Message.OperationId, c.Message.AppId, true, c.Message.RemoveData,
                d.RemoveFailure ?? ""));
        }
    }

    public sealed class InspectConsumer(StandInDeployer d) : IConsumer<InspectContainer>
    {
        public Task Consume(ConsumeContext<InspectContainer> c)
        {
            d.Inspected.Enqueue(c.Message.AppId);
            return c.RespondAsync(d.Inspect(c.Message.AppId));
        }
    }

    public static DaemonTarget DockerDaemon { get; } = new("docker_test", AppApiProtocol.DockerInstall, "http",
        "/var/run/docker.sock", "host", "cpu", null, [], new Dictionary<string, string>(), null);

    public static DaemonTarget ManualDaemon { get; } = new("manual_test", AppApiProtocol.ManualInstall, "http",
        "127.0.0.1", "host", "cpu", null, [], new Dictionary<string, string>(), null);
}
