using System.Collections.Concurrent;
using System.Text;

namespace ExApps.AppStore.Hosting;

/// <summary>Writes log lines at or above <see cref="AppStoreOptions.LogLevel"/> to <see cref="AppStoreOptions.LogFile"/>
/// (the seed's LOG_FILE / LOG_LEVEL), beside the console log.</summary>
public static class FileLoggingExtensions
{
    public static ILoggingBuilder AddStoreFile(this ILoggingBuilder logging, IConfiguration configuration)
    {
        var section = configuration.GetSection(AppStoreOptions.Section);
        var file = section["LogFile"];
        if (string.IsNullOrWhiteSpace(file)) return logging;
        var level = Enum.TryParse<LogLevel>(section["LogLevel"], true, out var l) ? l : LogLevel.Warning;
        logging.AddProvider(new FileLoggerProvider(file, level));
        return logging;
    }
}

public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly StreamWriter _writer;
    private readonly LogLevel _level;
    private readonly ConcurrentDictionary<string, FileLogger> _loggers = new();
    private readonly Lock _gate = new();

    public FileLoggerProvider(string path, LogLevel level)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false))
        { AutoFlush = true };
        _level = level;
    }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, c => new FileLogger(this, c));

    public void Dispose() { lock (_gate) _writer.Dispose(); }

    private void Write(string line) { lock (_gate) _writer.WriteLine(line); }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider._level;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss.fff}Z {logLevel} {category}: {formatter(state, exception)}";
            if (exception is not null) line += Environment.NewLine + exception;
            provider.Write(line);
        }
    }
}
