namespace ExApps.TestExApp;

/// <summary>
/// What the platform hands an ExApp through the environment (docs/protocol.md §3 step 4) plus the TEST_* knobs that make the
/// app misbehave on purpose. Read once at start so a missing or bad value fails fast with its name.
/// </summary>
public sealed record ExAppSettings(
    string AppId,
    string AppSecret,
    string AppVersion,
    string AppHost,
    int AppPort,
    string NextcloudUrl,
    string? PersistentStorage,
    string AaVersion,
    string InitMode,
    TimeSpan? HeartbeatDelay,
    string EnableMode)
{
    public static readonly string[] InitModes = ["progress", "instant", "slow", "none", "notimpl", "fail500", "error", "hang"];

    /// <summary>Env var name prefixes that <c>/test/state</c> exposes so tests can see what the platform passed.</summary>
    public static readonly string[] ExposedEnvPrefixes = ["APP_", "AA_", "NEXTCLOUD_", "COMPUTE_", "TEST_", "NVIDIA_"];

    /// <summary>Null means "never healthy".</summary>
    public bool IsHealthyAfter(TimeSpan uptime) => HeartbeatDelay is { } delay && uptime >= delay;

    public static ExAppSettings FromEnvironment()
    {
        var initMode = Optional("TEST_INIT_MODE", "progress");
        if (!InitModes.Contains(initMode))
        {
            throw new InvalidOperationException($"TEST_INIT_MODE must be one of {string.Join('|', InitModes)}, got '{initMode}'.");
        }

        return new ExAppSettings(
            AppId: Required("APP_ID"),
            AppSecret: Required("APP_SECRET"),
            AppVersion: Required("APP_VERSION"),
            AppHost: Optional("APP_HOST", "127.0.0.1"),
            AppPort: ParsePort(Required("APP_PORT")),
            NextcloudUrl: Required("NEXTCLOUD_URL").TrimEnd('/'),
            PersistentStorage: Environment.GetEnvironmentVariable("APP_PERSISTENT_STORAGE"),
            AaVersion: Optional("AA_VERSION", "0.0.0"),
            InitMode: initMode,
            HeartbeatDelay: ParseDelay(Optional("TEST_HEARTBEAT_DELAY_SECONDS", "0")),
            EnableMode: Optional("TEST_ENABLE_MODE", "ok"));
    }

    /// <summary>Kestrel wants IPv6 literals in brackets.</summary>
    public string ListenUrl => AppHost.Contains(':') ? $"http://[{AppHost}]:{AppPort}" : $"http://{AppHost}:{AppPort}";

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Environment variable {name} is required.");

    private static string Optional(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

    private static int ParsePort(string value) =>
        int.TryParse(value, out var port) && port is > 0 and < 65536
            ? port
            : throw new InvalidOperationException($"APP_PORT must be a TCP port, got '{value}'.");

    private static TimeSpan? ParseDelay(string value) => value switch
    {
        "never" => null,
        _ when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= 0
            => TimeSpan.FromSeconds(s),
        _ => throw new InvalidOperationException(
            $"TEST_HEARTBEAT_DELAY_SECONDS must be a number of seconds or 'never', got '{value}'."),
    };
}
