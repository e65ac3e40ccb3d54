using ExApps.Contracts;
using MassTransit;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>Start, stop, logs and daemon checks on the real engine, through the consumers.</summary>
[Collection(DockerCollection.Name)]
public sealed class ContainerRequestTests(DeployerFixture fx) : DockerTest
{
    [Fact]
    public async Task Stop_then_start_brings_the_same_container_back_running()
    {
        var appId = NewAppId();
        var name = AppApiProtocol.ContainerName(appId);
        Assert.IsType<ContainerStarted>((await fx.DeployAsync(DeployerFixture.Request(appId, "1"))).Terminal);
        var id = (await DockerCli.InspectAsync("container", name)).GetProperty("Id").GetString();

        var stopped = await Stop(appId);
        var stoppedAgain = await Stop(appId);
        var afterStop = await DockerCli.InspectAsync("container", name);
        var running = await fx.Harness.GetRequestClient<StartContainer>()
            .GetResponse<ContainerRunning>(new StartContainer(Guid.Empty, appId, DeployerFixture.Daemon()));

        Assert.Equal(new ContainerStopped(Guid.Empty, appId, WasRunning: true, ""), stopped);
        Assert.Equal(new ContainerStopped(Guid.Empty, appId, WasRunning: false, ""), stoppedAgain);
        Assert.False(afterStop.GetProperty("State").GetProperty("Running").GetBoolean());
        Assert.Equal(new ContainerRunning(Guid.Empty, appId, "", 0), running.Message);
        var afterStart = await DockerCli.InspectAsync("container", name);
        Assert.Equal(id, afterStart.GetProperty("Id").GetString());
        Assert.Equal("running", afterStart.GetProperty("State").GetProperty("Status").GetString());
    }

    [Fact]
    public async Task Starting_a_stopped_container_whose_port_was_taken_meanwhile_fails_naming_the_port()
    {
        var appId = NewAppId();
        var name = AppApiProtocol.ContainerName(appId);
        var port = TestSettings.FreePort();
        Assert.IsType<ContainerStarted>((await fx.DeployAsync(DeployerFixture.Request(appId, "1", port: port))).Terminal);
        await Stop(appId);
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        squatter.Start();

        var answer = await fx.Harness.GetRequestClient<StartContainer>()
            .GetResponse<ContainerRunning>(new StartContainer(Guid.Empty, appId, DeployerFixture.Daemon()));

        Assert.StartsWith($"Port {port} of the Docker host is in use", answer.Message.Error);
        Assert.False((await DockerCli.InspectAsync("container", name)).GetProperty("State").GetProperty("Running").GetBoolean());

        squatter.Stop();
        var again = await fx.Harness.GetRequestClient<StartContainer>()
            .GetResponse<ContainerRunning>(new StartContainer(Guid.Empty, appId, DeployerFixture.Daemon()));
        Assert.Equal("", again.Message.Error);
    }

    [Fact]
    public async Task Starting_an_unhealthy_container_fails_once_with_the_health_reason()
    {
        var appId = NewAppId();
        var name = AppApiProtocol.ContainerName(appId);
        Assert.Equal("Container healthcheck failed",
            (await fx.DeployAsync(DeployerFixture.Request(appId, "unhealthy"))).Failed.Reason);
        await DockerCli.RunAsync("stop", "-t", "1", name);
        var since = DateTimeOffset.UtcNow; // the deploy's own start was seconds before (health check, then stop)

        var answer = await fx.Harness.GetRequestClient<StartContainer>()
            .GetResponse<ContainerRunning>(new StartContainer(Guid.Empty, appId, DeployerFixture.Daemon()));

        Assert.Contains("Container healthcheck failed", answer.Message.Error);
        // Answered at once, not after the bus's retries: the container was started exactly once.
        var starts = await DockerCli.RunAsync("events", "--since", since.ToUnixTimeSeconds().ToString(),
            "--until", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(),
            "--filter", $"container={name}", "--filter", "type=container", "--filter", "event=start", "--format", "{{.Action}}");
        Assert.Equal(["start"], starts.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Starting_or_reading_logs_of_a_missing_container_fails_naming_it()
    {
        var appId = NewAppId();
        var daemon = DeployerFixture.Daemon();

        var start = (await fx.Harness.GetRequestClient<StartContainer>()
            .GetResponse<ContainerRunning>(new StartContainer(Guid.Empty, appId, daemon))).Message;
        var logs = await Assert.ThrowsAsync<RequestFaultException>(() => fx.Harness.GetRequestClient<GetContainerLogs>()
            .GetResponse<ContainerLogs>(new GetContainerLogs(appId, daemon, 10)));

        Assert.Contains($"Container nc_app_{appId} does not exist", start.Error);
        Assert.Contains($"Container nc_app_{appId} does not exist", logs.Fault!.Exceptions[0].Message);
    }

    [Fact]
    public async Task Logs_come_demultiplexed_from_stdout_and_stderr()
    {
        var appId = NewAppId();
        Assert.IsType<ContainerStarted>((await fx.DeployAsync(DeployerFixture.Request(appId, "chatty"))).Terminal);
        var client = fx.Harness.GetRequestClient<GetContainerLogs>();

        var text = "";
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1)); // hang guard only
        while (!text.Contains("to-stderr"))
        {
            await Task.Delay(100, guard.Token);
            text = (await client.GetResponse<ContainerLogs>(new GetContainerLogs(appId, DeployerFixture.Daemon(), 50))).Message.Text;
        }

        Assert.Equal(["to-stderr", "to-stdout"], text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.DoesNotContain('\u0001', text);
        Assert.DoesNotContain('\u0002', text);
    }

    [Fact]
    public async Task Checking_the_local_engine_answers_reachable_with_the_negotiated_api_version()
    {
        var answer = await fx.Harness.GetRequestClient<CheckDaemon>()
            .GetResponse<DaemonChecked>(new CheckDaemon(DeployerFixture.Daemon()));

        Assert.True(answer.Message.Reachable, answer.Message.Message);
        Assert.Equal(await DockerCli.RunAsync("version", "--format", "{{.Server.APIVersion}}"), answer.Message.ApiVersion);
        Assert.Contains($"unix://{TestSettings.DockerSocket} is reachable", answer.Message.Message);
    }

    [Fact]
    public async Task Checking_an_engine_that_is_not_there_answers_unreachable_with_the_address()
    {
        var socket = $"/tmp/exapps-no-engine-{Guid.NewGuid():N}.sock";

        var answer = await fx.Harness.GetRequestClient<CheckDaemon>()
            .GetResponse<DaemonChecked>(new CheckDaemon(DeployerFixture.Daemon(host: socket)));

        Assert.False(answer.Message.Reachable);
        Assert.Contains($"unix://{socket} is unreachable", answer.Message.Message);
    }

    private async Task<ContainerStopped> Stop(string appId) =>
        (await fx.Harness.GetRequestClient<StopContainer>()
            .GetResponse<ContainerStopped>(new StopContainer(Guid.Empty, appId, DeployerFixture.Daemon()))).Message;
}
