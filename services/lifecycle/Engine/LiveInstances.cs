using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.Lifecycle.Engine;

/// <summary>This lifecycle process's id, shown as alive in <c>lifecycle.instances</c> every
/// <see cref="LifecycleOptions.InstanceTimeout"/>/3. A step leased to a process not seen within the timeout is
/// taken over by another (or by this process after a restart); it also housekeeps old request ids.</summary>
public sealed class LiveInstances(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<LifecycleOptions> options,
    ILogger<LiveInstances> logger) : BackgroundService
{
    private static readonly TimeSpan SeenRetention = TimeSpan.FromDays(30);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>Completes once this process is registered and the host (and its bus) has started.</summary>
    public async Task WaitForStartAsync(IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await using var onCancel = ct.Register(() => { started.TrySetCanceled(ct); _started.TrySetCanceled(ct); });
        await started.Task;
        await _started.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var beat = options.Value.InstanceTimeout / 3;
        var lastHousekeeping = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow();
                await using var cmd = dataSource.CreateCommand("""
                    INSERT INTO lifecycle.instances (id, seen_at) VALUES (@id, @now)
                    ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at
                    """);
                cmd.Parameters.AddWithValue("id", Id);
                cmd.Parameters.AddWithValue("now", now);
                await cmd.ExecuteNonQueryAsync(stoppingToken);
                _started.TrySetResult();
                if (now - lastHousekeeping > TimeSpan.FromHours(1))
                {
                    await HousekeepAsync(now, stoppingToken);
                    lastHousekeeping = now;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Could not show this lifecycle process as alive: {Error}", e.Message);
            }
            try { await Task.Delay(beat, clock, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // A clean stop hands this process's steps over at once.
            await using var cmd = dataSource.CreateCommand("DELETE FROM lifecycle.instances WHERE id = @id");
            cmd.Parameters.AddWithValue("id", Id);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e)
        {
            logger.LogDebug("Could not remove this lifecycle process from the live list: {Error}", e.Message);
        }
    }

    private async Task HousekeepAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM lifecycle.instances WHERE seen_at < @old")
            { Parameters = { new("old", now - TimeSpan.FromHours(1)) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM lifecycle.seen_operations WHERE seen_at < @old")
            { Parameters = { new("old", now - SeenRetention) } });
        await batch.ExecuteNonQueryAsync(ct);
    }
}
