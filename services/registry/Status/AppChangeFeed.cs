using System.Collections.Concurrent;
using System.Threading.Channels;
using Npgsql;

namespace ExApps.Registry.Status;

/// <summary>The app changes of every registry process, as PostgreSQL announces them (a trigger on
/// <c>registry.apps</c> notifies <c>registry_apps</c> with the app id on every insert, update and delete). Waits
/// (disable, unregister) and live views (<c>GET /admin/apps/watch</c>) subscribe here instead of polling. The
/// listening connection is re-opened when it breaks; subscribers also re-read now and then, so a change missed
/// meanwhile is seen at most a second late.</summary>
/// <remarks>The listening connection comes from the unpooled data source for session state
/// (<see cref="ServiceDefaults.PostgresSchema.SessionSource"/>): a pooled connection returned with a LISTEN on it would
/// keep delivering notifications to whoever took it next, since the pools do not reset connections.</remarks>
public sealed class AppChangeFeed(
    [FromKeyedServices(ServiceDefaults.PostgresSchema.SessionsKey)] NpgsqlDataSource dataSource,
    ILogger<AppChangeFeed> logger) : BackgroundService
{
    public const string Channel = "registry_apps";

    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    /// <summary>Changes of one app (<paramref name="appId"/>) or of all apps (null).</summary>
    public Subscription Subscribe(string? appId)
    {
        var s = new Subscription(appId, this);
        _subscriptions[s] = 0;
        return s;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                conn.Notification += (_, e) => Publish(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", conn))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                Publish(null); // whatever happened while not listening: everyone reads again
                while (!stoppingToken.IsCancellationRequested) await conn.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Listening for app changes failed ({Error}); listening again in 1 s", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Tells the subscribers of <paramref name="appId"/> (null: of every app) that something changed.</summary>
    private void Publish(string? appId)
    {
        foreach (var s in _subscriptions.Keys)
            if (appId is null || s.AppId is null || s.AppId == appId) s.Notify(appId);
    }

    public sealed class Subscription : IDisposable
    {
        private readonly AppChangeFeed _feed;
        // app ids that changed since the last read; null entries mean "anything may have changed"
        private readonly Channel<string?> _changes = System.Threading.Channels.Channel.CreateBounded<string?>(
            new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });

        internal Subscription(string? appId, AppChangeFeed feed)
        {
            AppId = appId;
            _feed = feed;
        }

        public string? AppId { get; }

        internal void Notify(string? appId) => _changes.Writer.TryWrite(appId);

        /// <summary>Waits for a change (or <paramref name="timeout"/>); false on timeout.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) =>
            (await NextAsync(timeout, ct)).Count > 0;

        /// <summary>The app ids changed since the last call, after waiting up to <paramref name="timeout"/> for
        /// one (empty: none changed; a null entry: anything may have).</summary>
        public async Task<IReadOnlySet<string?>> NextAsync(TimeSpan timeout, CancellationToken ct)
        {
            var ids = new HashSet<string?>();
            if (!_changes.Reader.TryPeek(out _))
            {
                using var timer = new CancellationTokenSource(timeout);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
                try
                {
                    await _changes.Reader.WaitToReadAsync(linked.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    return ids;
                }
            }
            while (_changes.Reader.TryRead(out var id)) ids.Add(id);
            return ids;
        }

        public void Dispose() => _feed._subscriptions.TryRemove(this, out _);
    }
}
