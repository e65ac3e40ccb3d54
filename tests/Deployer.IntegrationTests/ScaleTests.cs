using ExApps.Contracts;
using ExApps.Deployer.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>What makes several deployers and redeliveries safe: the per-app lock in PostgreSQL, the operation
/// record, attempt counting, and handing a long-held message back to the queue.</summary>
[Collection(DockerCollection.Name)]
public sealed class ScaleTests(DeployerFixture fx) : DockerTest
{
    [Fact]
    public async Task A_duplicated_deploy_request_creates_one_container_and_answers_both()
    {
        var appId = NewAppId();
        var request = DeployerFixture.Request(appId, "1");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString();

        await Task.WhenAll(fx.Harness.Bus.Publish(request), fx.Harness.Bus.Publish(request));
        var outcome = await fx.OutcomeAsync(request.OperationId, terminals: 2);

        Assert.All(outcome.Terminals!, t => Assert.IsType<ContainerStarted>(t));
        Assert.Equal(1, await CreatesAsync(appId, since));
        // the second delivery published no progress of its own: 0 appears once
        Assert.Single(outcome.Progress, p => p == 0);
    }

    [Fact]
    public async Task A_deploy_started_over_after_an_interrupted_attempt_never_shows_progress_going_back()
    {
        var appId = NewAppId();
        var request = DeployerFixture.Request(appId, "1");
        // As a deployer that died at 60 % leaves it.
        await SqlAsync("INSERT INTO deployer.operations (operation_id, app_id, attempts, last_progress) VALUES (@id, @app, 1, 60)",
            request.OperationId, appId);

        var outcome = await fx.DeployAsync(request);

        Assert.IsType<ContainerStarted>(outcome.Terminal);
        Assert.All(outcome.Progress, p => Assert.True(p > 60, $"progress {p} went back below 60"));
        Assert.Equal(100, outcome.Progress[^1]);
        Assert.Equal(2, await AttemptsAsync(request.OperationId));
    }

    [Fact]
    public async Task A_deploy_interrupted_too_often_fails_with_a_reason_and_creates_nothing()
    {
        var appId = NewAppId();
        var request = DeployerFixture.Request(appId, "1");
        await SqlAsync("INSERT INTO deployer.operations (operation_id, app_id, attempts, last_progress) VALUES (@id, @app, 3, 40)",
            request.OperationId, appId);

        var outcome = await fx.DeployAsync(request);

        Assert.Contains("was interrupted 3 time(s)", outcome.Failed.Reason);
        Assert.False(await DockerCli.ExistsAsync("container", AppApiProtocol.ContainerName(appId)));
    }

    [Fact]
    public async Task The_app_lock_of_one_process_makes_another_wait_until_it_is_released()
    {
        var appId = NewAppId();
        await using var otherDatabase = new DeployerDatabase(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = TestSettings.Postgres })
            .Build());
        var mine = fx.Services.GetRequiredService<AppLocks>();
        var theirs = new AppLocks(otherDatabase);

        var held = await mine.AcquireAsync(appId, CancellationToken.None);
        var waiting = theirs.AcquireAsync(appId, CancellationToken.None);
        await WaitUntilSomeoneWaitsForALockAsync();
        var waitedWhileHeld = !waiting.IsCompleted;
        await held.DisposeAsync();
        await using var second = await waiting;

        Assert.True(waitedWhileHeld);
        await using var unrelated = await mine.AcquireAsync(NewAppId(), CancellationToken.None); // other apps never wait
    }

    [Fact]
    public async Task A_message_held_too_long_goes_back_to_the_queue_and_the_deploy_still_happens_once()
    {
        var appId = NewAppId();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString();
        await using var host = await fx.StartHostAsync(new() { ["Deployer:MaxMessageHold"] = "00:00:01" });
        var request = DeployerFixture.Request(appId, "1");
        var held = await host.Services.GetRequiredService<AppLocks>().AcquireAsync(appId, CancellationToken.None);

        await host.Harness.Bus.Publish(request);
        // While the lock is held elsewhere, each delivery gives up after the hold time and sends a copy back.
        using (var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2))) // hang guard only
            while (ConsumedSoFar(host) < 3)
                await Task.Delay(200, guard.Token);
        await held.DisposeAsync();
        var outcome = await host.OutcomeAsync(request.OperationId);

        Assert.IsType<ContainerStarted>(outcome.Terminal);
        Assert.True(await DockerCli.ExistsAsync("container", AppApiProtocol.ContainerName(appId)));
        Assert.Equal(1, await CreatesAsync(appId, since));
    }

    private static int ConsumedSoFar(DeployerHost host)
    {
        using var now = new CancellationTokenSource();
        now.Cancel(); // what was consumed so far, without waiting for the harness to go quiet
        return host.Harness.Consumed.Select<DeployRequested>(now.Token).Count();
    }

    /// <summary>How many times the engine created the app's container since then (docker events).</summary>
    private static async Task<int> CreatesAsync(string appId, string since)
    {
        var creates = await DockerCli.RunAsync("events", "--since", since,
            "--until", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(),
            "--filter", $"container={AppApiProtocol.ContainerName(appId)}", "--filter", "type=container", "--filter", "event=create", "--format", "{{.Action}}");
        return creates.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    private static async Task WaitUntilSomeoneWaitsForALockAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1)); // hang guard only
        await using var conn = new NpgsqlConnection(TestSettings.Postgres);
        await conn.OpenAsync(guard.Token);
        while (true)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", conn);
            if ((long)(await cmd.ExecuteScalarAsync(guard.Token))! > 0) return;
            await Task.Delay(50, guard.Token);
        }
    }

    private static async Task SqlAsync(string sql, Guid operationId, string appId)
    {
        await using var conn = new NpgsqlConnection(TestSettings.Postgres);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("id", operationId);
        cmd.Parameters.AddWithValue("app", appId);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<int> AttemptsAsync(Guid operationId)
    {
        await using var conn = new NpgsqlConnection(TestSettings.Postgres);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT attempts FROM deployer.operations WHERE operation_id = @id", conn);
        cmd.Parameters.AddWithValue("id", operationId);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }
}
