using System.Diagnostics;
using System.Globalization;

namespace ExApps.Bench;

/// <summary>A CPU budget for one process, as a node of its own would give it: a cgroup of the kernel's CPU
/// controller with a quota of <c>cores</c> per 100 ms period (v1 <c>cpu.cfs_quota_us</c>, or v2 <c>cpu.max</c>).
/// The process is started inside it (through <c>/bin/sh</c>, which joins the group and then execs), so the .NET
/// runtime reads the quota at start, as in a container with a CPU limit, and sizes its thread pool to it.</summary>
public sealed class CpuCap
{
    private const int Period = 100_000;
    private readonly string _group;

    private CpuCap(string group) => _group = group;

    /// <summary>The cores each replica of a scaled service gets, from <c>BENCH_REPLICA_CPU</c> (e.g. 0.25); null when
    /// unset, and then nothing is capped.</summary>
    public static double? ReplicaCores =>
        double.TryParse(Environment.GetEnvironmentVariable("BENCH_REPLICA_CPU"), NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && c > 0
            ? c : null;

    public static CpuCap Create(string name, double cores)
    {
        var quota = ((long)Math.Round(cores * Period)).ToString(CultureInfo.InvariantCulture);
        if (Directory.Exists("/sys/fs/cgroup/cpu") && File.Exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"))
        {
            var group = Directory.CreateDirectory($"/sys/fs/cgroup/cpu/exapps-bench-{name}").FullName;
            File.WriteAllText(Path.Combine(group, "cpu.cfs_period_us"), Period.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(group, "cpu.cfs_quota_us"), quota);
            return new CpuCap(group);
        }
        if (File.Exists("/sys/fs/cgroup/cgroup.controllers") && File.ReadAllText("/sys/fs/cgroup/cgroup.controllers").Contains("cpu"))
        {
            File.WriteAllText("/sys/fs/cgroup/cgroup.subtree_control", "+cpu");
            var group = Directory.CreateDirectory($"/sys/fs/cgroup/exapps-bench-{name}").FullName;
            File.WriteAllText(Path.Combine(group, "cpu.max"), $"{quota} {Period}");
            return new CpuCap(group);
        }
        throw new InvalidOperationException("BENCH_REPLICA_CPU needs the kernel's CPU controller (cgroup v1 /sys/fs/cgroup/cpu or v2 with +cpu), writable as root");
    }

    /// <summary>A start of <paramref name="file"/> inside the group: the shell joins it and execs the program, so
    /// the process and every thread it starts are counted against the quota.</summary>
    public ProcessStartInfo Wrap(string file, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("echo $$ > \"$0\" && exec \"$@\"");
        psi.ArgumentList.Add(Path.Combine(_group, "cgroup.procs"));
        psi.ArgumentList.Add(file);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>The group is removed once its processes have exited (a group with members cannot be).</summary>
    public void Remove()
    {
        for (var i = 0; i < 50; i++)
        {
            try { Directory.Delete(_group); return; }
            catch (IOException) { Thread.Sleep(100); }
            catch (UnauthorizedAccessException) { return; }
        }
    }
}
