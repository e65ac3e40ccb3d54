using Docker.DotNet.Models;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using Microsoft.Extensions.Options;

namespace ExApps.Deployer.Consumers;

/// <summary>Deploy steps 6 and 7: wait until the started container runs, then until its health check (if the
/// image has one) passes. Polls at <see cref="DeployerOptions.PollInterval"/>.</summary>
public sealed class ContainerWaits(IOptions<DeployerOptions> options, TimeProvider time)
{
    public async Task WaitRunningAsync(IDockerEngine engine, string name, CancellationToken ct)
    {
        var o = options.Value;
        var last = "unknown";
        for (var i = 0; i < Tries(o.RunningTimeout, o.PollInterval); i++)
        {
            if (i > 0) await Task.Delay(o.PollInterval, time, ct);
            var state = (await InspectAsync(engine, name, ct)).State ?? new State();
            if (state.Status == "running") return;
            last = string.IsNullOrEmpty(state.Error) ? $"{state.Status}, exit code {state.ExitCode}" : $"{state.Status}: {state.Error}";
        }
        throw new DeployException(
            $"Container {name} did not reach the running state within {Describe(o.RunningTimeout)} (last state: {last}).");
    }

    public async Task WaitHealthyAsync(IDockerEngine engine, string name, CancellationToken ct)
    {
        var o = options.Value;
        for (var i = 0; i < Tries(o.HealthTimeout, o.PollInterval); i++)
        {
            if (i > 0) await Task.Delay(o.PollInterval, time, ct);
            var health = (await InspectAsync(engine, name, ct)).State?.Health?.Status;
            switch (health)
            {
                case null or "" or "none" or "healthy":
                    return; // no health check counts as healthy (AppAPI's rule)
                case "unhealthy":
                    throw new DeployException("Container healthcheck failed");
            }
        }
        throw new DeployException(
            $"Container {name} did not become healthy within {Describe(o.HealthTimeout)}.");
    }

    private static async Task<ContainerInspectResponse> InspectAsync(IDockerEngine engine, string name, CancellationToken ct) =>
        await engine.InspectContainerAsync(name, ct)
        ?? throw new DeployException($"Container {name} disappeared while it was being started.");

    private static int Tries(TimeSpan timeout, TimeSpan interval) =>
        Math.Max(1, (int)Math.Ceiling(timeout / interval));

    private static string Describe(TimeSpan t) =>
        t.TotalMinutes >= 1 && t.Seconds == 0 ? $"{t.TotalMinutes:0} min" : $"{t.TotalSeconds:0.#} s";
}
