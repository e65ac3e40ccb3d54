using ExApps.Deployer.Consumers;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExApps.Deployer.Tests;

/// <summary>The deployer's host is disposed cleanly on shutdown. Its background deploys are registered as a
/// singleton and, through a factory, as a hosted service, so the container disposes them twice; the second time
/// used to cancel a disposed token source, and every stop of the deployer ended in an unhandled exception.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Disposing_the_deployers_host_throws_nothing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=unused";
        builder.AddDeployer();
        builder.Services.AddMassTransit(x => x.UsingInMemory());
        var app = builder.Build();
        var background = app.Services.GetRequiredService<BackgroundDeploys>();
        Assert.Contains(background, app.Services.GetServices<IHostedService>());

        await app.DisposeAsync();

        Assert.True(background.Stopping.IsCancellationRequested, "the deploys still running were not cancelled");
    }
}
