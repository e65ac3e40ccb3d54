using ExApps.Contracts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ExApps.Deployer.Tests;

/// <summary>The consumers' paths that never reach a Docker engine, through MassTransit's in-memory harness.</summary>
public sealed class ManualInstallConsumerTests : IAsyncLifetime
{
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDeployerServices(new ConfigurationBuilder().Build());
        services.AddMassTransitTestHarness(bus => bus.AddDeployerConsumers());
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Manual_install_reports_0_then_100_then_container_started()
    {
        var request = Requests.Deploy(Requests.Daemon(acceptsDeployId: AppApiProtocol.ManualInstall));

        await _harness.Bus.Publish(request);

        Assert.True(await _harness.Published.Any<ContainerStarted>(x => x.Context.Message.OperationId == request.OperationId));
        var sequence = _harness.Published.SoFar().Select(m => m switch
        {
            DeployProgress p when p.OperationId == request.OperationId => $"progress {p.Progress}",
            ContainerStarted s when s.OperationId == request.OperationId => "started",
            _ => null,
        }).Where(s => s is not null);
        Assert.Equal(new[] { "progress 0", "progress 100", "started" }, sequence);

        var started = _harness.Published.SoFar().OfType<ContainerStarted>().Single();
        Assert.Equal(new ContainerStarted(request.OperationId, request.AppId, request.Kind, request.Version,
            request.ExAppUrl, request.Secret), started);
    }

    [Fact]
    public async Task A_daemon_of_an_unknown_kind_fails_the_deploy_with_a_reason()
    {
        var request = Requests.Deploy(Requests.Daemon(acceptsDeployId: "kubernetes-install"));

        await _harness.Bus.Publish(request);

        Assert.True(await _harness.Published.Any<DeployFailed>(x => x.Context.Message.OperationId == request.OperationId));
        var failed = _harness.Published.SoFar().OfType<DeployFailed>().Single();
        Assert.Contains("kubernetes-install", failed.Reason);
        Assert.Empty(_harness.Published.SoFar().OfType<ContainerStarted>());
    }

    [Fact]
    public async Task Start_stop_and_logs_of_a_manual_app_answer_at_once_without_an_engine()
    {
        var daemon = Requests.Daemon(acceptsDeployId: AppApiProtocol.ManualInstall);

        var running = await _harness.GetRequestClient<StartContainer>()
            .GetResponse<ContainerRunning>(new StartContainer(Guid.Empty, "manual_app", daemon));
        var stopped = await _harness.GetRequestClient<StopContainer>()
            .GetResponse<ContainerStopped>(new StopContainer(Guid.Empty, "manual_app", daemon));
        var logs = await _harness.GetRequestClient<GetContainerLogs>()
            .GetResponse<ContainerLogs>(new GetContainerLogs("manual_app", daemon, 10));

        Assert.Equal(new ContainerRunning(Guid.Empty, "manual_app", "", 0), running.Message);
        Assert.Equal(new ContainerStopped(Guid.Empty, "manual_app", false, ""), stopped.Message);
        Assert.Equal(new ContainerLogs("manual_app", ""), logs.Message);
    }

    [Fact]
    public async Task Checking_a_manual_daemon_answers_reachable_without_a_check()
    {
        var response = await _harness.GetRequestClient<CheckDaemon>().GetResponse<DaemonChecked>(
            new CheckDaemon(Requests.Daemon(acceptsDeployId: AppApiProtocol.ManualInstall)));

        Assert.True(response.Message.Reachable);
        Assert.Contains("manual-install", response.Message.Message);
        Assert.Null(response.Message.ApiVersion);
    }

    [Fact]
    public async Task Removing_a_manual_app_answers_at_once_that_nothing_was_removed()
    {
        var client = _harness.GetRequestClient<RemoveContainer>();

        var response = await client.GetResponse<ContainerRemoved>(
            new RemoveContainer(Guid.Empty, "manual_app", Requests.Daemon(acceptsDeployId: AppApiProtocol.ManualInstall), true));

        Assert.Equal(new ContainerRemoved(Guid.Empty, "manual_app", false, false, ""), response.Message);
    }
}
