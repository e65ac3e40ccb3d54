using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;

namespace ExApps.Lifecycle.Tests;

/// <summary>Events are written with the transition that announces them and published from the database.</summary>
public sealed class OutboxTests : LifecycleTest
{
    [Fact]
    public async Task Events_a_stopped_process_committed_but_never_published_go_out_from_the_next_one_in_order()
    {
        var appId = NewAppId();
        var op = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        // What a process does right before it dies: the transition and its events commit, nothing is published.
        var row = NewOperation.Create(op, appId, "install", "1.0.0", "http://127.0.0.1:9", new Secret(NewSecret()),
            OperationState.Heartbeat, now.AddHours(1));
        await TestDatabase.Store.BeginAsync(row, mayReplace: true, _ => [], CancellationToken.None);
        Assert.True(await TestDatabase.Store.FailHeartbeatAsync(row, 3, "HTTP 503",
            [new HeartbeatProgress(op, appId, 3), new HeartbeatFailed(op, appId, "Heartbeat check failed", 3)],
            CancellationToken.None));

        await using var host = await LifecycleTestHost.StartAsync();
        await host.Published<HeartbeatFailed>(appId);

        Assert.Collection(host.PublishedFor(appId),
            m => Assert.Equal(new HeartbeatProgress(op, appId, 3), m),
            m => Assert.Equal(new HeartbeatFailed(op, appId, "Heartbeat check failed", 3), m));
    }

    [Fact]
    public async Task A_transition_that_does_not_happen_announces_nothing()
    {
        var appId = NewAppId();
        var op = Guid.NewGuid();
        var row = NewOperation.Create(op, appId, "install", "1.0.0", "http://127.0.0.1:9", new Secret(NewSecret()),
            OperationState.Heartbeat, DateTimeOffset.UtcNow.AddHours(1));
        await TestDatabase.Store.BeginAsync(row, mayReplace: true, _ => [], CancellationToken.None);

        // the row is in heartbeat, not initializing: a late init report's transition must not happen
        var moved = await TestDatabase.Store.TransitionAsync(row, OperationState.Initializing, OperationState.Failed,
            "late", [new InitFailed(op, appId, "late")], CancellationToken.None);

        Assert.False(moved);
        await using var host = await LifecycleTestHost.StartAsync(("Lifecycle:HeartbeatTimeout", "01:00:00"));
        await host.Publish(new AppUnregistered(appId)); // stops the heartbeat of the placeholder URL
        await host.Consumed<AppUnregistered>(m => m.AppId == appId);
        Assert.DoesNotContain(host.PublishedFor(appId), m => m is InitFailed);
    }
}
