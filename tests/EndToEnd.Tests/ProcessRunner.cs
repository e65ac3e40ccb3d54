using System.Diagnostics;
using System.Text;

namespace ExApps.EndToEnd.Tests;

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

public static class ProcessRunner
{
    /// <summary>Runs a command to completion (bounded by <paramref name="timeout"/>).</summary>
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args,
        IDictionary<string, string>? env = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}:\n{await outTask}\n{await errTask}");
        }
        return new ProcessResult(p.ExitCode, await outTask, await errTask);
    }
}
