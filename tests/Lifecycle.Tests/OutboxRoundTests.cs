using ExApps.Contracts;
using ExApps.ServiceDefaults.Outbox;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace ExApps.Lifecycle.Tests;

/// <summary>One round of <see cref="TransactionalOutbox.PublishPendingAsync"/> on the lifecycle's outbox table in
/// the real PostgreSQL: what it publishes and deletes, and that a second publisher (another replica) waits for the
/// round of the one that holds the outbox instead of reading rows it may not publish, then takes what is left.</summary>
public sealed class OutboxRoundTests : IAsyncLifetime
{
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private readonly TransactionalOutbox _outbox = new(new OutboxSettings("lifecycle"), TestDatabase.DataSource);

    public async Task InitializeAsync()
    {
        await TestDatabase.ResetAsync();
        _provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task A_round_publishes_every_waiting_message_in_order_and_deletes_them()
    {
        await AddAsync(new HeartbeatOk(Guid.NewGuid(), "one", 0), new HeartbeatOk(Guid.NewGuid(), "two", 1));

        var (published, failed) = await _outbox.PublishPendingAsync(_harness.Bus, 200, CancellationToken.None);

        Assert.Equal((2, 0), (published, failed));
        Assert.Equal(0, await TestDatabase.OutboxCountAsync());
        var sent = _harness.Published.Select<HeartbeatOk>().Select(m => m.Context.Message.AppId).ToList();
        Assert.Equal(["one", "two"], sent);
    }

    [Fact]
    public async Task A_round_waits_for_another_publishers_round_and_then_takes_what_it_left()
    {
        await AddAsync(new HeartbeatOk(Guid.NewGuid(), "taken-by-the-other", 0));
        Task<(int, int)> waiting;
        await using (var other = await TestDatabase.DataSource.OpenConnectionAsync())
        await using (var tx = await other.BeginTransactionAsync())
        {
            // What a round of another replica does: takes the lock (the same key) and deletes what it published.
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('lifecycle-outbox')); " +
                                                      "DELETE FROM lifecycle.outbox", other, tx))
                await take.ExecuteNonQueryAsync();

            waiting = _outbox.PublishPendingAsync(_harness.Bus, 200, CancellationToken.None);
            // A row committed while the other round runs (this replica's own transition, say).
            await AddAsync(new HeartbeatOk(Guid.NewGuid(), "committed-meanwhile", 0));
            await Task.Delay(300);
            Assert.False(waiting.IsCompleted); // it waits instead of reading rows it may not publish
            Assert.False(_harness.Published.Select<HeartbeatOk>().Any());
            await tx.CommitAsync();
        }

        // The other round ended: the waiting one publishes the row committed meanwhile, and not the other's.
        Assert.Equal((1, 0), await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["committed-meanwhile"], _harness.Published.Select<HeartbeatOk>().Select(m => m.Context.Message.AppId).ToList());
        Assert.Equal(0, await TestDatabase.OutboxCountAsync());
    }

    [Fact]
    public async Task A_round_that_waits_longer_than_its_limit_publishes_nothing_and_leaves_the_rows()
    {
        var outbox = new TransactionalOutbox(new OutboxSettings("lifecycle") { LockWait = TimeSpan.FromMilliseconds(200) },
            TestDatabase.DataSource);
        await AddAsync(new HeartbeatOk(Guid.NewGuid(), "held", 0));
        await using (var other = await TestDatabase.DataSource.OpenConnectionAsync())
        await using (var tx = await other.BeginTransactionAsync())
        {
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('lifecycle-outbox'))", other, tx))
                await take.ExecuteNonQueryAsync();

            Assert.Equal((0, 0), await outbox.PublishPendingAsync(_harness.Bus, 200, CancellationToken.None));
            Assert.Equal(1, await TestDatabase.OutboxCountAsync());
            Assert.False(_harness.Published.Select<HeartbeatOk>().Any());
        }

        // Released (the other transaction ended): the next round sends it.
        Assert.Equal((1, 0), await outbox.PublishPendingAsync(_harness.Bus, 200, CancellationToken.None));
        Assert.Equal(0, await TestDatabase.OutboxCountAsync());
    }

    [Fact]
    public async Task A_round_takes_at_most_its_limit_oldest_first()
    {
        await AddAsync(new HeartbeatOk(Guid.NewGuid(), "a", 0), new HeartbeatOk(Guid.NewGuid(), "b", 0),
            new HeartbeatOk(Guid.NewGuid(), "c", 0));

        Assert.Equal((2, 0), await _outbox.PublishPendingAsync(_harness.Bus, 2, CancellationToken.None));
        Assert.Equal(1, await TestDatabase.OutboxCountAsync());
        Assert.Equal((1, 0), await _outbox.PublishPendingAsync(_harness.Bus, 2, CancellationToken.None));
        Assert.Equal(["a", "b", "c"], _harness.Published.Select<HeartbeatOk>().Select(m => m.Context.Message.AppId).ToList());
    }

    private async Task AddAsync(params object[] messages)
    {
        await using var conn = await TestDatabase.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await _outbox.AddAsync(conn, tx, messages.Select(OutboxMessage.Event).ToList(), DateTimeOffset.UtcNow, CancellationToken.None);
        await tx.CommitAsync();
    }
}
