using ExApps.Contracts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExApps.Lifecycle.Tests;

/// <summary>The lifecycle service's registrations (consumers, workers, schema migration) in a host of its own,
/// with MassTransit's in-memory test harness as the bus and the real test database.</summary>
public sealed class LifecycleTestHost : IAsyncDisposable
{
    // The harness's Select waits for further messages unless its token is already cancelled: read what is there.
    private static readonly CancellationToken SnapshotOnly = new(canceled: true);

    private readonly IHost _host;

    private LifecycleTestHost(IHost host, RecordingLoggerProvider logs)
    {
        _host = host;
        Logs = logs;
        Harness = host.Services.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public RecordingLoggerProvider Logs { get; }

    /// <summary>Starts a host; <paramref name="settings"/> are configuration keys such as
    /// <c>Lifecycle:InitTimeout</c>.</summary>
    public static Task<LifecycleTestHost> StartAsync(params (string Key, string Value)[] settings) =>
        StartAsync(new StandInDeployer(), settings);

    /// <summary>Starts a host whose StartContainer/StopContainer requests <paramref name="deployer"/> answers.</summary>
    public static async Task<LifecycleTestHost> StartAsync(StandInDeployer deployer,
        params (string Key, string Value)[] settings)
    {
        // MassTransit keeps its log context in an AsyncLocal; one left by an earlier host of the same test points
        // at that host's disposed logger factory.
        LogContext.Current = null;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(
            settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))
                .Append(KeyValuePair.Create("ConnectionStrings:Postgres", (string?)TestDatabase.ConnectionString)));
        var logs = new RecordingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);

        builder.Services.AddLifecycleServices(builder.Configuration);
        builder.Services.AddSingleton(deployer);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.AddLifecycleConsumers();
            bus.AddConsumer<StandInDeployer.StartConsumer>();
            bus.AddConsumer<StandInDeployer.StopConsumer>();
        });

        var host = builder.Build();
        try
        {
            // The host, not the harness, starts the hosted services: in registration order, as in the service.
            await host.StartAsync();
            return new LifecycleTestHost(host, logs);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public Task Publish<T>(T message) where T : class => Harness.Bus.Publish(message);

    /// <summary>Every message published on this host's bus about <paramref name="appId"/>, in order.</summary>
    public IReadOnlyList<object> PublishedFor(string appId) =>
        Harness.Published.Select(_ => true, SnapshotOnly)
            .Select(p => p.MessageObject)
            .Where(m => m.GetType().GetProperty("AppId")?.GetValue(m) as string == appId)
            .ToList();

    /// <summary>Waits for the first published <typeparamref name="T"/> about the app.</summary>
    public Task<T> Published<T>(string appId) where T : class =>
        Eventually.Get(() => PublishedFor(appId).OfType<T>().FirstOrDefault(), $"{typeof(T).Name} for {appId}");

    /// <summary>Waits until <paramref name="count"/> messages matching <paramref name="match"/> were consumed
    /// (each consumer has finished with them) and checks that none of them faulted.</summary>
    public async Task Consumed<T>(Func<T, bool> match, int count = 1) where T : class
    {
        IReceivedMessage<T>[] Matching() =>
            Harness.Consumed.Select<T>(c => match(c.Context.Message), SnapshotOnly).ToArray();
        await Eventually.True(() => Matching().Length >= count, $"{count} consumed {typeof(T).Name}");
        Assert.All(Matching(), c => Assert.Null(c.Exception));
    }

    public void AssertNeverLogged(string text) =>
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public static EnableApp EnableApp(string appId, StandInExApp exApp, string secret, DaemonTarget? daemon,
        string version = "1.0.0") =>
        new(Guid.NewGuid(), new ExAppEndpoint(appId, version, exApp.Url, new Secret(secret)), daemon);

    public static DisableApp DisableApp(string appId, StandInExApp exApp, string secret, DaemonTarget? daemon,
        bool stopContainer = true, string version = "1.0.0") =>
        new(Guid.NewGuid(), new ExAppEndpoint(appId, version, exApp.Url, new Secret(secret)), daemon, stopContainer);

    public static ContainerStarted ContainerStarted(string appId, StandInExApp exApp, string secret,
        string version = "1.0.0", Guid? operationId = null) =>
        new(operationId ?? Guid.NewGuid(), appId, AppApiProtocol.KindInstall, version, exApp.Url, new Secret(secret));
}
