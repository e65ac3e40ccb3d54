using System.Diagnostics;
using System.Text.Json;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>The docker CLI, used to prepare fixtures and to check results independently of the client under test.</summary>
internal static class DockerCli
{
    public static async Task<string> RunAsync(params string[] args) => await RunAsync(args, null);

    public static async Task<string> RunAsync(IEnumerable<string> args, IDictionary<string, string>? env)
    {
        var start = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOCKER_HOST"] = $"unix://{TestSettings.DockerSocket}";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"docker {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await stderr}");
        return (await stdout).Trim();
    }

    /// <summary>Runs a command and ignores failure (cleanup of things that may not exist).</summary>
    public static async Task TryAsync(params string[] args)
    {
        try { await RunAsync(args); }
        catch (InvalidOperationException) { }
    }

    public static async Task<JsonElement> InspectAsync(string kind, string name)
    {
        using var doc = JsonDocument.Parse(await RunAsync(kind, "inspect", name));
        return doc.RootElement[0].Clone();
    }

    public static async Task<bool> ExistsAsync(string kind, string name)
    {
        try
        {
            await RunAsync(kind, "inspect", name);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
