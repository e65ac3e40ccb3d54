using ExApps.Cli.Api;

namespace ExApps.Cli;

/// <summary>What a command runs with: output streams, environment, terminal mode and the admin API client.</summary>
public sealed class CliContext : IDisposable
{
    private readonly List<string> _secrets = [];
    private readonly Lazy<AdminClient> _client;

    public CliContext(TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> env, bool terminal,
        bool quiet = false)
    {
        Out = stdout;
        Err = stderr;
        Env = env;
        Terminal = terminal;
        Quiet = quiet;
        _client = new Lazy<AdminClient>(() =>
        {
            var settings = CliSettings.FromEnvironment(env);
            return new AdminClient(settings.Url, settings.Token);
        });
    }

    public TextWriter Out { get; }
    public TextWriter Err { get; }
    public IReadOnlyDictionary<string, string> Env { get; }

    /// <summary>Stdout is an interactive terminal: progress may update one line in place.</summary>
    public bool Terminal { get; }

    /// <summary><c>-q</c>: normal output is dropped, errors are still shown.</summary>
    public bool Quiet { get; }

    /// <summary>How often <c>--wait-finish</c> polls the app's status.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(300);

    public AdminClient Api => _client.Value;

    /// <summary>A value that must never be printed (a daemon password); every message is scrubbed of it.</summary>
    public void AddSecret(string? secret)
    {
        if (!string.IsNullOrEmpty(secret))
            _secrets.Add(secret);
    }

    public void Info(string line)
    {
        if (!Quiet)
            Out.WriteLine(Redact(line));
    }

    public void Error(string line) => Err.WriteLine(Redact(line));

    public string Redact(string text) =>
        _secrets.Aggregate(text, (current, secret) => current.Replace(secret, "***", StringComparison.Ordinal));

    public void Dispose()
    {
        if (_client.IsValueCreated)
            _client.Value.Dispose();
    }
}
