using ExApps.Contracts;
using ExApps.Lifecycle.ExAppHttp;
using ExApps.Lifecycle.Machine;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.Lifecycle.Engine;

/// <summary>Keeps watching enabled apps, which AppAPI does not: every <see cref="LifecycleOptions.WatchInterval"/> it
/// checks each enabled, idle app — a Docker app's container (running? restarted?), a manual install's heartbeat —
/// and tells the <see cref="OperationEngine"/> only when what it sees differs from the app's recorded health (the
/// machine then shows it, and recovers the app when its daemon asks for that). One lifecycle process watches at a
/// time (an advisory lock); the others take over when it stops. Docker's events, followed by the deployers, report
/// crashes between rounds. The lock is a session lock on a connection of the unpooled data source for session state
/// (<see cref="ServiceDefaults.PostgresSchema.SessionSource"/>): it ends with that connection, and a pooled one, which
/// the pools do not reset, would keep it for its next user.</summary>
public sealed class AppWatcher(
    AppStore store,
    OperationEngine engine,
    IExAppClient exApp,
    IContainerInspector containers,
    [FromKeyedServices(ServiceDefaults.PostgresSchema.SessionsKey)] NpgsqlDataSource dataSource,
    IOptions<LifecycleOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<AppWatcher> logger) : BackgroundService
{
    private const long LockKey = 0x4E43_5741; // "NCWA"

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitForStartAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                    if (await TryLockAsync(conn, stoppingToken))
                    {
                        logger.LogInformation("Watching enabled apps every {Interval}", options.Value.WatchInterval);
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            await RoundAsync(stoppingToken);
                            await Task.Delay(options.Value.WatchInterval, stoppingToken);
                        }
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Watching enabled apps failed ({Error}); trying again", e.Message);
                }
                await Task.Delay(options.Value.WatchInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(@k)", conn);
        cmd.Parameters.AddWithValue("k", LockKey);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>One round over every enabled, idle app.</summary>
    public async Task RoundAsync(CancellationToken ct)
    {
        var apps = await store.EnabledIdleAsync(ct);
        await Parallel.ForEachAsync(apps, new ParallelOptions { MaxDegreeOfParallelism = options.Value.WatchConcurrency, CancellationToken = ct },
            async (app, c) =>
            {
                try
                {
                    if (await CheckAsync(app, c) is { } seen && Differs(app.Health, seen))
                        await engine.HandleAsync(app.AppId, seen, c);
                }
                catch (Exception e) when (!c.IsCancellationRequested)
                {
                    logger.LogDebug("Watching ExApp {AppId} failed: {Error}", app.AppId, e.Message);
                }
            });
    }

    /// <summary>What the app looks like now; null when that cannot be told (no deployer answered).</summary>
    private async Task<AppWatched?> CheckAsync(AppState app, CancellationToken ct)
    {
        var restarts = app.Health?.Restarts ?? 0;
        if (!app.Spec.HasContainer)
        {
            var beat = await exApp.HeartbeatAsync(app.Spec.ExAppUrl, ct);
            return beat.Ok ? new AppWatched(AppHealth.Ok, "", restarts) : new AppWatched(AppHealth.Down, beat.Error, restarts);
        }
        var c = await containers.InspectAsync(app.AppId, app.Spec.Daemon, ct);
        if (c is null) return null;
        if (!c.Exists) return new AppWatched(AppHealth.Missing, "its container was removed", restarts);
        if (!c.Running)
            return new AppWatched(AppHealth.Down, $"its container is {c.Status} (exit code {c.ExitCode}{(c.OomKilled ? ", out of memory" : "")})", c.RestartCount);
        return c.RestartCount > restarts
            ? new AppWatched(AppHealth.Restarting, $"its container restarted {c.RestartCount - restarts} time(s) since the last check", c.RestartCount)
            : new AppWatched(AppHealth.Ok, "", c.RestartCount);
    }

    private static bool Differs(AppHealth? h, AppWatched seen) =>
        h is null ? seen.State != AppHealth.Ok : h.State != seen.State || h.Restarts != seen.RestartCount;

    private async Task WaitForStartAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await using var onCancel = ct.Register(() => started.TrySetCanceled(ct));
        await started.Task;
    }
}
