using RabbitMQ.Client;
using Testcontainers.RabbitMq;

namespace ExApps.TestSupport;

/// <summary>A RabbitMQ broker of one fixture's own, so that a test can stop, restart or pause it (fault tests)
/// without touching anyone else's. Its host port stays the same across restarts, so the services connected to it
/// find it again. Connection settings: <see cref="Host"/>, <see cref="Port"/>, <see cref="Username"/>,
/// <see cref="Password"/>, virtual host <c>/</c>; <see cref="ServiceSettings"/> gives them as the services'
/// environment variables.</summary>
public sealed class RabbitMqContainer : IAsyncDisposable
{
    public const string Username = "exapps";
    public const string Password = "exapps-test";

    private readonly Testcontainers.RabbitMq.RabbitMqContainer _container;

    private RabbitMqContainer(Testcontainers.RabbitMq.RabbitMqContainer container, int port)
    {
        _container = container;
        Port = port;
    }

    /// <summary>The mapped port on loopback: the engine's bridge address would work too, but this machine's tests
    /// keep their traffic on 127.0.0.1.</summary>
    public string Host => "127.0.0.1";
    public int Port { get; }
    public string AmqpUrl => $"amqp://{Username}:{Password}@{Host}:{Port}/";

    /// <summary>The RabbitMq:* settings of the platform's services, as environment variables.</summary>
    public IReadOnlyDictionary<string, string> ServiceSettings => new Dictionary<string, string>
    {
        ["RabbitMq__Host"] = Host, ["RabbitMq__Port"] = Port.ToString(), ["RabbitMq__VirtualHost"] = "/",
        ["RabbitMq__Username"] = Username, ["RabbitMq__Password"] = Password,
    };

    private static readonly Lock SpareLock = new();
    private static Task<RabbitMqContainer>? _spare;

    /// <summary>Builds the image if needed, then starts a broker and waits until it accepts connections.</summary>
    /// <param name="warmNext">Also start the next caller's broker now, in the background: fixtures that run one
    /// after another (end-to-end platforms) then find theirs booted (RabbitMQ takes seconds to start). The one left
    /// over is removed when the test process exits.</param>
    public static Task<RabbitMqContainer> StartAsync(bool warmNext = false, CancellationToken ct = default)
    {
        lock (SpareLock)
        {
            var mine = _spare ?? CreateAsync(ct);
            _spare = null;
            if (warmNext)
            {
                if (_spareCleanup is null)
                {
                    _spareCleanup = RemoveSpare;
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => _spareCleanup();
                }
                _spare = CreateAsync(CancellationToken.None);
            }
            return mine;
        }
    }

    private static Action? _spareCleanup;

    private static void RemoveSpare()
    {
        Task<RabbitMqContainer>? spare;
        lock (SpareLock) (spare, _spare) = (_spare, null);
        if (spare is null) return;
        try
        {
            spare.GetAwaiter().GetResult().DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // a spare that failed to start left nothing running
        }
    }

    private static async Task<RabbitMqContainer> CreateAsync(CancellationToken ct)
    {
        await InfraImages.EnsureAsync();
        var port = InfraImages.FreePort();
        var container = new RabbitMqBuilder(InfraImages.RabbitMq)
            .WithUsername(Username)
            .WithPassword(Password)
            .WithPortBinding(port, RabbitMqBuilder.RabbitMqPort)
            .Build();
        var broker = new RabbitMqContainer(container, port);
        await container.StartAsync(ct);
        await broker.WaitAcceptingAsync(ct);
        return broker;
    }

    /// <summary>Stops the broker: clients see their connections drop and new ones refused.</summary>
    public Task StopAsync(CancellationToken ct = default) => _container.StopAsync(ct);

    /// <summary>Starts a stopped broker again (same port, same users, queues and messages that were durable).</summary>
    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        await _container.StartAsync(ct);
        await WaitAcceptingAsync(ct);
    }

    /// <summary>Freezes the broker (connections stay open but nothing answers), as a hung server would.</summary>
    public Task PauseAsync(CancellationToken ct = default) => _container.PauseAsync(ct);

    public Task UnpauseAsync(CancellationToken ct = default) => _container.UnpauseAsync(ct);

    /// <summary>How many consumers <paramref name="queue"/> has (0 when it does not exist yet).</summary>
    public async Task<uint> ConsumerCountAsync(string queue, CancellationToken ct = default)
    {
        await using var connection = await Factory().CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, ct)).ConsumerCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    private ConnectionFactory Factory() => new()
    {
        HostName = Host, Port = Port, UserName = Username, Password = Password, AutomaticRecoveryEnabled = false,
    };

    // The log line Testcontainers waits for is still in the log after a restart: a real connection is the proof.
    private async Task WaitAcceptingAsync(CancellationToken ct)
    {
        var factory = Factory();
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct);
        guard.CancelAfter(TimeSpan.FromMinutes(1)); // hang guard only
        while (true)
        {
            try
            {
                await using var connection = await factory.CreateConnectionAsync(guard.Token);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await Task.Delay(200, guard.Token);
            }
        }
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
