using System.Collections.Concurrent;
using ExApps.Registry.Apps;
using ExApps.Registry.Persistence;
using ExApps.Registry.Status;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.Registry.TestDeploy;

/// <summary>Follows every test deploy (<c>registry.test_deploys</c>) as its app changes: records its steps, and once
/// the install has ended (enabled, failed, or timed out) removes the app with its data. Each registry process runs
/// one; claims in the database make sure only one of them ends and removes a given test deploy. A removal that was
/// interrupted (the process died) is tried again later.</summary>
public sealed class TestDeployRunner(NpgsqlDataSource dataSource, AppChangeFeed feed, IServiceScopeFactory scopes,
    IOptions<RegistryOptions> options, TimeProvider clock, ILogger<TestDeployRunner> log) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, Task> _removals = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var changes = feed.Subscribe(null);
        var active = new HashSet<string>();
        var nextScan = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var changed = await changes.NextAsync(Tick, stoppingToken);
                var now = clock.GetUtcNow();
                // A change of a test deploy's app (or of anything, after a lost notification), or the periodic scan.
                if (now < nextScan && !changed.Contains(null) && !changed.Any(id => id is not null && active.Contains(id))
                    && !changed.Any(id => id is not null && id.StartsWith(options.Value.TestDeploy.AppIdPrefix + "-", StringComparison.Ordinal)))
                    continue;
                nextScan = now + Tick;
                var records = await TestDeployRecords.ActiveAsync(dataSource, stoppingToken);
                active = records.Select(r => r.Appid).ToHashSet();
                foreach (var record in records) await FollowAsync(record, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning("Following test deploys failed ({Error}); trying again", e.Message);
                await Task.Delay(Tick, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task FollowAsync(TestDeployRecord record, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (record.FinishedAt is not null)
        {
            // ended: removed by whoever claimed it; taken over when that seems to have died
            var stale = now - record.FinishedAt > options.Value.UnregisterTimeout + TimeSpan.FromMinutes(1);
            if (stale && !_removals.ContainsKey(record.Appid)) StartRemoval(record.Appid);
            return;
        }
        var timedOut = now - record.StartedAt > options.Value.TestDeploy.Timeout;
        if (record.OperationId is not { } operationId)
        {
            if (timedOut) await EndAsync(record, record.Steps, passed: false, "The install was never requested.", ct);
            return; // the install is being requested right now
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDb>();
        var row = await db.FindAppAsync(record.Appid, ct);
        if (row is null)
        {
            await EndAsync(record, record.Steps, passed: false, "The test deploy app was removed before the test deploy ended.", ct);
            return;
        }
        var app = row.ToView();
        var steps = TestDeploySteps.Next(record.Steps, app, operationId, now);
        var ended = app.LastOperation?.Id == operationId ? app.LastOperation : null;
        if (ended is not null)
        {
            await EndAsync(record, steps, ended.Outcome == "enabled", ended.Outcome == "enabled" ? "" : Reason(ended), ct);
            return;
        }
        if (timedOut)
        {
            await EndAsync(record, steps, passed: false,
                $"No result within {options.Value.TestDeploy.Timeout.TotalMinutes:0} minutes (at step {TestDeploySteps.Current(steps)}).", ct);
            return;
        }
        if (TestDeployRecords.StepsJson(steps) != TestDeployRecords.StepsJson(record.Steps))
            await TestDeployRecords.ExecuteAsync(dataSource,
                "UPDATE registry.test_deploys SET steps = @steps WHERE appid = @a AND finished_at IS NULL", ct,
                ("steps", TestDeployRecords.StepsJson(steps)), ("a", record.Appid));
    }

    private static string Reason(OutcomeView ended) => ended.Error.Length > 0 ? ended.Error : $"the install ended {ended.Outcome}";

    private async Task EndAsync(TestDeployRecord record, List<TestDeployStep> steps, bool passed, string error, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var final = TestDeploySteps.End(steps, passed, error, now);
        var claimed = await TestDeployRecords.ClaimAsync(dataSource, """
            UPDATE registry.test_deploys SET finished_at = @now, outcome = @outcome, failed_step = @failed, error = @error,
                steps = @steps
            WHERE appid = @a AND finished_at IS NULL
            """, ct, ("now", now), ("outcome", passed ? "enabled" : "failed"),
            ("failed", passed ? null : TestDeploySteps.Current(steps)), ("error", Validation.StatusText.Bound(error)),
            ("steps", TestDeployRecords.StepsJson(final)), ("a", record.Appid));
        if (!claimed) return;
        if (passed) log.LogInformation("Test deploy {AppId} on daemon {Daemon} passed; removing it", record.Appid, record.Daemon);
        else log.LogWarning("Test deploy {AppId} on daemon {Daemon} failed at {Step}: {Error}; removing it", record.Appid,
            record.Daemon, TestDeploySteps.Current(steps), error);
        StartRemoval(record.Appid);
    }

    private void StartRemoval(string appId) =>
        _removals[appId] = Task.Run(async () =>
        {
            try { await RemoveAsync(appId); }
            catch (Exception e) { log.LogWarning("Removing test deploy {AppId} failed: {Error}", appId, e.Message); }
            finally { _removals.TryRemove(appId, out _); }
        });

    private async Task RemoveAsync(string appId)
    {
        using var scope = scopes.CreateScope();
        var unregistration = scope.ServiceProvider.GetRequiredService<AppUnregistration>();
        var result = await unregistration.UnregisterAsync(appId, rmData: true, force: true, CancellationToken.None);
        var error = result switch
        {
            ProblemHttpResult { StatusCode: 404 } => "",
            ProblemHttpResult p => p.ProblemDetails.Detail ?? "the removal failed",
            _ => "",
        };
        var record = await TestDeployRecords.GetAsync(dataSource, appId, CancellationToken.None);
        if (record is null) return;
        var now = clock.GetUtcNow();
        await TestDeployRecords.ExecuteAsync(dataSource, """
            UPDATE registry.test_deploys SET removed_at = @now, removal_error = @error, steps = @steps
            WHERE appid = @a AND removed_at IS NULL
            """, CancellationToken.None, ("now", now), ("error", Validation.StatusText.Bound(error)),
            ("steps", TestDeployRecords.StepsJson(TestDeploySteps.AfterRemoval(record.Steps, error, now))), ("a", appId));
        log.LogInformation("Test deploy {AppId} removed{Error}", appId, error.Length > 0 ? ": " + error : "");
    }
}
