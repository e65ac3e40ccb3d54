using System.Diagnostics;
using Npgsql;

namespace ExApps.Bench;

/// <summary>A platform of the bench's own: a fresh database and RabbitMQ vhost on the host's servers (or the given
/// servers of its own, <paramref name="servers"/>), the registry and the gateway, <c>replicas</c> lifecycle and
/// deployer processes, on ports from <paramref name="gatewayPort"/> (28080), with a fixed admin token.</summary>
public sealed class Platform(string root, int gatewayPort = Platform.DefaultGatewayPort,
    IReadOnlyDictionary<string, string>? servers = null) : IAsyncDisposable
{
    public const string Token = "bench-admin-token-0123456789";
    public const string Database = "exapps_bench";
    public const string Vhost = "exapps-bench";
    public const int DefaultGatewayPort = 28080;
    public int GatewayPort { get; } = gatewayPort;
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, (Process Process, string Folder, string Assembly, int Port, Dictionary<string, string> Extra)> _named = [];
    private readonly string _root = root;
    private readonly Dictionary<string, CpuCap> _caps = [];
    private readonly string _logs = Directory.CreateDirectory(
        Path.Combine(root, ".local", "bench-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + gatewayPort)).FullName;

    public string GatewayUrl => $"http://127.0.0.1:{GatewayPort}";
    public IReadOnlyList<Process> Processes => _processes;

    public async Task StartAsync(int replicas)
    {
        if (servers is null) await ResetHostServersAsync();
        Start("registry", "registry", "ExApps.Registry", GatewayPort + 1, new() { ["Registry__EncryptionKeyFile"] = Path.Combine(_logs, "registry.key") });
        await HealthyAsync(GatewayPort + 1); // the registry creates the database the others migrate into
        for (var i = 0; i < replicas; i++)
        {
            Start($"lifecycle{i}", "lifecycle", "ExApps.Lifecycle", GatewayPort + 10 + i, []);
            Start($"deployer{i}", "deployer", "ExApps.Deployer", GatewayPort + 20 + i, []);
        }
        Start("gateway", "gateway", "ExApps.Gateway", GatewayPort, new() { ["Gateway__RegistryUrl"] = $"http://127.0.0.1:{GatewayPort + 1}" });
        await HealthyAsync(GatewayPort);
        for (var i = 0; i < replicas; i++) { await HealthyAsync(GatewayPort + 10 + i); await HealthyAsync(GatewayPort + 20 + i); }
    }

    private static async Task ResetHostServersAsync()
    {
        await using (var conn = new NpgsqlConnection("Host=127.0.0.1;Username=postgres;Password=exapps;Database=postgres"))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", conn).ExecuteNonQueryAsync();
        }
        await Run("rabbitmqctl", "-q", "delete_vhost", Vhost);
        await Run("rabbitmqctl", "-q", "add_vhost", Vhost);
        await Run("rabbitmqctl", "-q", "set_permissions", "-p", Vhost, "guest", ".*", ".*", ".*");
    }

    private void Start(string name, string folder, string assembly, int port, Dictionary<string, string> extra)
    {
        var dll = Path.Combine(_root, "services", folder, "bin", "Release", "net10.0", assembly + ".dll");
        // BENCH_REPLICA_CPU: each lifecycle and deployer replica gets that many cores, as if on a node of its own.
        ProcessStartInfo psi;
        if (CpuCap.ReplicaCores is { } cores && folder is "lifecycle" or "deployer")
        {
            if (!_caps.TryGetValue(name, out var cap)) _caps[name] = cap = CpuCap.Create($"{GatewayPort}-{name}", cores);
            psi = cap.Wrap("dotnet", [dll]);
        }
        else
        {
            psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(dll);
        }
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        // BENCH_PG_EXTRA adds settings for an experiment, e.g. ";SSL Mode=Prefer" (TLS on loopback, as before 2026-12-01).
        psi.Environment["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database={Database}"
            + Environment.GetEnvironmentVariable("BENCH_PG_EXTRA");
        psi.Environment["RabbitMq__VirtualHost"] = Vhost;
        foreach (var (k, v) in servers ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        psi.Environment["Admin__Token"] = Token;
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["Logging__LogLevel__Default"] = Environment.GetEnvironmentVariable("BENCH_LOG_LEVEL") ?? "Warning";
        foreach (var (k, v) in extra) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        _named[name] = (p, folder, assembly, port, extra);
        var log = new StreamWriter(Path.Combine(_logs, name + ".log"), append: true) { AutoFlush = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _processes.Add(p);
    }

    /// <summary>kill -9 of one service, then the same service started again (as a supervisor would).</summary>
    public async Task KillAndRestartAsync(string name)
    {
        var (process, folder, assembly, port, extra) = _named[name];
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        _processes.Remove(process);
        Start(name, folder, assembly, port, extra);
        await HealthyAsync(port);
    }

    /// <summary>A graceful stop of one service (SIGTERM, what <c>docker stop</c> and systemd send; kill -9 after
    /// 30 s, as Docker would after its grace period), then the same service started again; returns the exit code of
    /// the stopped process (non-zero: its shutdown failed).</summary>
    public async Task<int> StopAndRestartAsync(string name)
    {
        var (process, folder, assembly, port, extra) = _named[name];
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await term.WaitForExitAsync();
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try { await process.WaitForExitAsync(grace.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(); }
        }
        var exit = process.ExitCode;
        _processes.Remove(process);
        Start(name, folder, assembly, port, extra);
        await HealthyAsync(port);
        return exit;
    }

    private static async Task HealthyAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 240; i++)
        {
            try { if ((await http.GetAsync($"http://127.0.0.1:{port}/health")).IsSuccessStatusCode) return; }
            catch (Exception) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"Nothing healthy on port {port}");
    }

    public static async Task Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
    }

    /// <summary>Resident memory of each process, MiB.</summary>
    public IEnumerable<(string Name, long MiB)> Memory() => _named.Where(n => !n.Value.Process.HasExited)
        .OrderBy(n => n.Key).Select(n => (n.Key, Rss(n.Value.Process.Id)));

    /// <summary>The process id of each service process.</summary>
    public IEnumerable<(string Name, int Pid)> Pids() => _named.Where(n => !n.Value.Process.HasExited)
        .OrderBy(n => n.Key).Select(n => (n.Key, n.Value.Process.Id));

    /// <summary>CPU seconds each process has used so far (user + system).</summary>
    public Dictionary<string, double> CpuSeconds() => _named.Where(n => !n.Value.Process.HasExited)
        .ToDictionary(n => n.Key, n => Ticks(File.ReadAllText($"/proc/{n.Value.Process.Id}/stat")) / 100.0);

    /// <summary>The whole machine's busy and total CPU time so far (/proc/stat, in clock ticks).</summary>
    public static (long Busy, long Total) MachineCpu()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = f[3] + f[4];
        return (f.Sum() - idle, f.Sum());
    }

    /// <summary>CPU seconds used so far by every Docker container together: the <c>docker</c> cgroup that dockerd's
    /// default cgroupfs driver puts them in (v1 <c>cpuacct</c>, or v2 <c>cpu.stat</c>); null where there is none.</summary>
    public static double? ContainerCpuSeconds()
    {
        if (File.Exists("/sys/fs/cgroup/cpuacct/docker/cpuacct.usage"))
            return long.Parse(File.ReadAllText("/sys/fs/cgroup/cpuacct/docker/cpuacct.usage").Trim()) / 1e9;
        if (File.Exists("/sys/fs/cgroup/docker/cpu.stat"))
            return File.ReadLines("/sys/fs/cgroup/docker/cpu.stat").Where(l => l.StartsWith("usage_usec ")).Select(l => long.Parse(l[11..]) / 1e6).FirstOrDefault();
        return null;
    }

    /// <summary>How many containers Docker still has whose names start with <paramref name="prefix"/>.</summary>
    public static int ContainersNamed(string prefix)
    {
        var psi = new ProcessStartInfo("docker", ["ps", "-aq", "--filter", $"name=^/{prefix}"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    /// <summary>Transactions committed in the bench database so far (PostgreSQL's statistics).</summary>
    public static async Task<long> CommitsAsync()
    {
        await using var conn = new NpgsqlConnection($"Host=127.0.0.1;Username=postgres;Password=exapps;Database={Database}");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    // utime and stime: fields 14 and 15 of /proc/<pid>/stat, counted after the command name's closing ')'.
    private static long Ticks(string stat)
    {
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[11]) + long.Parse(f[12]);
    }

    private static long Rss(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:")).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).FirstOrDefault();

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes) { try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }
        foreach (var p in _processes) await p.WaitForExitAsync();
        foreach (var cap in _caps.Values) cap.Remove();
    }
}
