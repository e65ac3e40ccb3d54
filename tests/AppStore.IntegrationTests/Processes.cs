using System.Diagnostics;

namespace ExApps.AppStore.IntegrationTests;

/// <summary>Runs a command to its end and returns its exit code and output.</summary>
public static class Processes
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null,
        string? stdin = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) await p.StandardInput.WriteLineAsync(stdin);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(entireProcessTree: true); throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not end"); }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>The store's binary (<c>ExApps.AppStore.dll</c>) or the developer tool (<c>appstore.dll</c>), both
    /// copied beside the tests.</summary>
    public static Task<Result> DotnetAsync(string dll, IEnumerable<string> args, IDictionary<string, string>? env = null, string? stdin = null) =>
        RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, dll), .. args], env, stdin);
}
