using System.Collections;
using System.Diagnostics;

namespace ExApps.TestExApp;

/// <summary>What the platform did to this app, exposed on <c>GET /test/state</c> so tests can assert on it.</summary>
public sealed class TestState(ExAppSettings settings)
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private readonly List<int> _enabledCalls = [];
    private readonly List<ProgressReport> _progressReports = [];
    private readonly List<string> _enabledHandlerCalls = [];
    private readonly Queue<ReceivedRequest> _requests = new();
    private const int MaxRecordedRequests = 10_000;
    private int _initCalls;
    private int _headerFailures;

    public TimeSpan Uptime => _uptime.Elapsed;

    public void InitCalled() => Interlocked.Increment(ref _initCalls);

    public void HeaderCheckFailed() => Interlocked.Increment(ref _headerFailures);

    public void EnabledCalled(int enabled)
    {
        lock (_gate) _enabledCalls.Add(enabled);
    }

    /// <summary>A call the enabled handler made to the platform, with the HTTP status it got.</summary>
    public void EnabledHandlerCalled(string call, int status)
    {
        lock (_gate) _enabledHandlerCalls.Add($"{call} {status}");
    }

    public void ProgressReported(ProgressReport report)
    {
        lock (_gate) _progressReports.Add(report);
    }

    /// <summary>Every request the app received (the last 10,000), so a test can prove what never arrived.</summary>
    public void RequestReceived(ReceivedRequest request)
    {
        lock (_gate)
        {
            if (_requests.Count >= MaxRecordedRequests) _requests.Dequeue();
            _requests.Enqueue(request);
        }
    }

    private readonly List<BotMessage> _botMessages = [];

    public void BotMessageReceived(BotMessage message)
    {
        lock (_gate) _botMessages.Add(message);
    }

    public IReadOnlyList<BotMessage> BotMessages()
    {
        lock (_gate) return [.. _botMessages];
    }

    public IReadOnlyList<ReceivedRequest> Requests()
    {
        lock (_gate) return [.. _requests];
    }

    public StateSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new StateSnapshot(
                settings.AppId,
                settings.AppVersion,
                Volatile.Read(ref _initCalls),
                [.. _enabledCalls],
                Volatile.Read(ref _headerFailures),
                [.. _progressReports],
                IsPersistentStorageWritable(),
                ExposedEnvironment(),
                [.. _enabledHandlerCalls]);
        }
    }

    private bool IsPersistentStorageWritable()
    {
        if (string.IsNullOrEmpty(settings.PersistentStorage)) return false;
        try
        {
            var probe = Path.Combine(settings.PersistentStorage, $".test-exapp-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "probe");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The platform-provided variables, with the secret reduced to its length so tests can check it
    /// arrived without it ever leaving the process.</summary>
    private static SortedDictionary<string, string> ExposedEnvironment()
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (!ExAppSettings.ExposedEnvPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))) continue;
            var value = (string?)entry.Value ?? "";
            env[name] = name == "APP_SECRET" ? value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : value;
        }
        return env;
    }
}
