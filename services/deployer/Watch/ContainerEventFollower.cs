using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;
using ExApps.Deployer.Persistence;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Deployer.Watch;

/// <summary>Follows the container events of every known Docker daemon and publishes
/// <see cref="ContainerStateChanged"/> for ExApp containers that die, run out of memory, start or are removed —
/// also when that happens behind the platform's back. One deployer follows each daemon at a time (a PostgreSQL
/// advisory lock held on its own connection, released when that deployer dies); the others try again every
/// <see cref="DeployerOptions.EventFollowRetry"/>. A daemon this deployer has not worked on before is followed as
/// soon as a command names it (<see cref="KnownDaemons.Added"/>). Events missed while nobody follows are caught by
/// the lifecycle's regular checks.</summary>
public sealed class ContainerEventFollower(
    KnownDaemons daemons,
    IDockerEngines engines,
    AppNames names,
    DeployerDatabase database,
    IBus bus,
    IOptions<DeployerOptions> options,
    ILogger<ContainerEventFollower> logger) : BackgroundService
{
    private const int LockSpace = 0x4E43_4556; // "NCEV"
    private readonly Dictionary<string, Task> _following = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var added = daemons.Added; // (read first: a daemon remembered from here on ends the wait below)
                foreach (var done in _following.Where(f => f.Value.IsCompleted).Select(f => f.Key).ToList()) _following.Remove(done);
                foreach (var daemon in daemons.All.Where(d => !_following.ContainsKey(d.Name)))
                    _following[daemon.Name] = FollowAsync(daemon, stoppingToken);
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(Task.Delay(options.Value.EventFollowRetry, wake.Token), added);
                await wake.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(_following.Values).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task FollowAsync(DaemonTarget daemon, CancellationToken ct)
    {
        try
        {
            await using var lockConn = await database.Locks.OpenConnectionAsync(ct);
            await using (var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(@space, hashtext(@daemon))", lockConn))
            {
                cmd.Parameters.AddWithValue("space", LockSpace);
                cmd.Parameters.AddWithValue("daemon", daemon.Name);
                if (await cmd.ExecuteScalarAsync(ct) is not true) return; // another deployer follows it
            }
            logger.LogInformation("Following the container events of daemon {Daemon}", daemon.Name);
            var engine = engines.Get(daemon);
            await engine.FollowContainerEventsAsync(e => OnEventAsync(daemon, e, ct), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning("Following the events of daemon {Daemon} stopped ({Error}); trying again", daemon.Name, e.Message);
        }
    }

    private async Task OnEventAsync(DaemonTarget daemon, global::Docker.DotNet.Models.Message e, CancellationToken ct)
    {
        var attributes = e.Actor?.Attributes ?? new Dictionary<string, string>();
        if (!attributes.TryGetValue("name", out var name) || names.AppIdOf(name) is not { } appId) return;
        var exitCode = attributes.TryGetValue("exitCode", out var code) && int.TryParse(code, out var c) ? c : 0;
        var at = e.TimeNano is > 0 and var nano ? DateTimeOffset.FromUnixTimeMilliseconds(nano / 1_000_000) : DateTimeOffset.UtcNow;
        var action = e.Action ?? "";
        logger.LogDebug("Container event {Action} of ExApp {AppId} on {Daemon}", action, appId, daemon.Name);
        await bus.PublishBounded(new ContainerStateChanged(appId, daemon.Name, action, exitCode, at), ct);
    }
}
