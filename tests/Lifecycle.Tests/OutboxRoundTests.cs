using ExApps.Contracts;
using ExApps.ServiceDefaults.Outbox;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace ExApps.Lifecycle.Tests;

/// <summary>One round of <see cref="TransactionalOutbox.PublishPendingAsync"/> on the lifecycle's outbox table in
/// the real PostgreSQL: what it publishes and deletes, and that a second publisher (another replica) publishes
/// nothing while one holds the outbox, since the lock and the read share one round trip.</summary>
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
    public async Task While_another_publisher_holds_the_outbox_a_round_publishes_nothing_and_leaves_the_rows()
    {
        await AddAsync(new HeartbeatOk(Guid.NewGuid(), "held", 0));
        await using (var other = await TestDatabase.DataSource.OpenConnectionAsync())
        await using (var tx = await other.BeginTransactionAsync())
        {
            // What a round of another replica takes first (the same lock key).
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('lifecycle-outbox'))", other, tx))
                await take.ExecuteNonQueryAsync();

            Assert.Equal((0, 0), await _outbox.PublishPendingAsync(_harness.Bus, 200, CancellationToken.None));
            Assert.Equal(1, await TestDatabase.OutboxCountAsync());
            Assert.False(_harness.Published.Select<HeartbeatOk>().Any());
        }

        // Released (the other transaction ended): the next round sends it.
        Assert.Equal((1, 0), await _outbox.PublishPendingAsync(_harness.Bus, 200, CancellationToken.None));
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
