using System.Diagnostics;

namespace ExApps.EndToEnd.Tests;

/// <summary>One of the platform's services running as a real process; its output goes to a log file that a
/// failing test can show.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    public string Name { get; }
    public string LogPath { get; }

    private ServiceProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public static ServiceProcess Start(string name, string dll, IDictionary<string, string> env, string logDir)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException($"Service {name} is not built: {dll}");
        Directory.CreateDirectory(logDir);
        var logPath = Path.Combine(logDir, name + ".log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.ArgumentList.Add(dll);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return new ServiceProcess(name, p, log, logPath);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The names of the files the process maps (assemblies and native libraries), from
    /// <c>/proc/&lt;pid&gt;/maps</c>.</summary>
    public IReadOnlySet<string> MappedFiles() =>
        File.ReadLines($"/proc/{_process.Id}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].StartsWith('/'))
            .Select(fields => Path.GetFileName(fields[5]))
            .ToHashSet();

    public string Tail(int lines = 40)
    {
        lock (_log)
        {
            _log.Flush();
            using var fs = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var all = new StreamReader(fs).ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
    }

    /// <summary>Stops the process abruptly, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
