using ExApps.Lifecycle.Engine;
using ExApps.Contracts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExApps.Lifecycle.Tests;

/// <summary>The lifecycle service's registrations (consumers, step worker, outbox, schema migration) in a host of
/// its own, with MassTransit's in-memory test harness as the bus, the real test database, and stand-ins for the
/// deployer and the registry on the same bus.</summary>
public sealed class LifecycleTestHost : IAsyncDisposable
{
    // The harness's Select waits for further messages unless its token is already cancelled: read what is there.
    private static readonly CancellationToken SnapshotOnly = new(canceled: true);

    private readonly IHost _host;

    private LifecycleTestHost(IHost host, RecordingLoggerProvider logs, StandInDeployer deployer, StandInRegistry registry)
    {
        _host = host;
        Logs = logs;
        Deployer = deployer;
        Registry = registry;
        Harness = host.Services.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }
    public IServiceProvider Services => _host.Services;
    public RecordingLoggerProvider Logs { get; }
    public StandInDeployer Deployer { get; }
    public StandInRegistry Registry { get; }

    /// <summary>Starts a host; <paramref name="settings"/> are configuration keys such as <c>Lifecycle:InitTimeout</c>.</summary>
    public static Task<LifecycleTestHost> StartAsync(params (string Key, string Value)[] settings) =>
        StartAsync(new StandInDeployer(), new StandInRegistry(), settings);

    public static async Task<LifecycleTestHost> StartAsync(StandInDeployer deployer, StandInRegistry registry,
        params (string Key, string Value)[] settings)
    {
        // MassTransit keeps its log context in an AsyncLocal; one left by an earlier host of the same test points
        // at that host's disposed logger factory.
        LogContext.Current = null;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var defaults = new (string, string)[] { ("Lifecycle:HeartbeatInterval", "00:00:00.100"), ("Lifecycle:VisibleTimeout", "00:00:05") };
        var config = new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = TestDatabase.ConnectionString };
        foreach (var (key, value) in defaults.Concat(settings)) config[key] = value; // a test's own setting wins
        builder.Configuration.AddInMemoryCollection(config);
        var logs = new RecordingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);

        builder.Services.AddLifecycleServices(builder.Configuration);
        builder.Services.AddSingleton(deployer);
        builder.Services.AddSingleton(registry);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.AddLifecycleConsumers();
            bus.AddConsumer<StandInDeployer.DeployConsumer>();
            bus.AddConsumer<StandInDeployer.StartConsumer>();
            bus.AddConsumer<StandInDeployer.StopConsumer>();
            bus.AddConsumer<StandInDeployer.RemoveConsumer>();
            bus.AddConsumer<StandInDeployer.InspectConsumer>();
            bus.AddConsumer<StandInRegistry.SnapshotConsumer>();
        });

        var host = builder.Build();
        try
        {
            // The host, not the harness, starts the hosted services: in registration order, as in the service.
            await host.StartAsync();
            // The step worker attaches once the host has started, a moment after StartAsync returns; a message
            // handled before that leaves its step to the worker's claim instead of leasing it (correct, but not what
            // a test of leasing expects; under the load of the whole suite StepLeaseTests saw it happen).
            var steps = host.Services.GetRequiredService<StepSignal>();
            await Eventually.True(() => steps.Free > 0, "the step worker is running");
            return new LifecycleTestHost(host, logs, deployer, registry);
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
            .Where(m => AppIdOf(m) == appId)
            .ToList();

    /// <summary>Waits for the first published <typeparamref name="T"/> about the app.</summary>
    public Task<T> Published<T>(string appId) where T : class =>
        Eventually.Get(() => PublishedFor(appId).OfType<T>().FirstOrDefault(), $"{typeof(T).Name} for {appId}");

    /// <summary>Waits until the registry stand-in holds a snapshot of the app matching <paramref name="match"/>.</summary>
    public Task<AppStatusChanged> Snapshot(string appId, Func<AppStatusChanged, bool> match, string what) =>
        Eventually.Get(() => Registry.Latest(appId) is { } s && match(s) ? s : null, $"{appId}: {what}");

    /// <summary>Waits until the registry stand-in received any snapshot of the app matching <paramref name="match"/>,
    /// the latest or an earlier one: for a state a fast operation may pass through between two looks.</summary>
    public Task<AppStatusChanged> SnapshotSeen(string appId, Func<AppStatusChanged, bool> match, string what) =>
        Eventually.Get(() => Registry.For(appId).FirstOrDefault(match), $"{appId}: {what}");

    /// <summary>Waits until the app's latest operation ended, and returns the snapshot saying so.</summary>
    public Task<AppStatusChanged> Ended(string appId, Guid operationId) =>
        Snapshot(appId, s => s.LastOperation?.Id == operationId && s.Operation is null, $"operation {operationId} ended");

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
        // EXAPPS_TEST_LOG=<file>: keep every host's log lines there, to see what happened in a failed test.
        if (Environment.GetEnvironmentVariable("EXAPPS_TEST_LOG") is { Length: > 0 } file)
            await File.AppendAllLinesAsync(file, Logs.Lines);
        await _host.StopAsync();
        _host.Dispose();
    }

    private static string? AppIdOf(object m) => m switch
    {
        InstallApp c => c.App.AppId,
        UpdateApp c => c.App.AppId,
        EnableApp c => c.App.AppId,
        DisableApp c => c.App.AppId,
        UnregisterApp c => c.App.AppId,
        _ => m.GetType().GetProperty("AppId")?.GetValue(m) as string,
    };
}

/// <summary>The registry's requests, as it builds them.</summary>
public sealed record TestApp(string AppId, string Secret, StandInExApp ExApp, bool Docker, Guid RegistrationId)
{
    public AppSpec Spec(string version = "1.0.0") => new()
    {
        AppId = AppId, Version = version, DisplayName = "Test " + AppId, Port = 23999, Secret = new Secret(Secret),
        ExAppUrl = ExApp.Url, NextcloudUrl = "http://nextcloud.test", Image = new ImageRef("localhost:5000", "test/app", version),
        Daemon = Docker ? StandInDeployer.DockerDaemon : StandInDeployer.ManualDaemon,
    };

    public InstallApp Install(string version = "1.0.0") =>
        new() { OperationId = Guid.NewGuid(), RegistrationId = RegistrationId, App = Spec(version) };

    public UpdateApp Update(string version) =>
        new() { OperationId = Guid.NewGuid(), RegistrationId = RegistrationId, App = Spec(version) };

    public EnableApp Enable(string version = "1.0.0") =>
        new() { OperationId = Guid.NewGuid(), RegistrationId = RegistrationId, App = Spec(version) };

    public DisableApp Disable(string version = "1.0.0") =>
        new() { OperationId = Guid.NewGuid(), RegistrationId = RegistrationId, App = Spec(version) };

    public UnregisterApp Unregister(bool removeData = false, bool force = false) => new()
    {
        OperationId = Guid.NewGuid(), RegistrationId = RegistrationId, App = Spec(), RemoveData = removeData, Force = force,
    };

    public InitProgress Report(int progress, string error = "") => new(AppId, progress, error, DateTimeOffset.UtcNow);
}
