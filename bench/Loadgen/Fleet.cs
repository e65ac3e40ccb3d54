using System.Diagnostics;
using System.Text.Json;

namespace ExApps.Bench;

/// <summary>The test ExApp in fleet mode (tests/TestExApp/Fleet.cs): one process, one ExApp per port.</summary>
public sealed class Fleet(Process process, int firstPort, int count, string prefix) : IAsyncDisposable
{
    public const string SecretSeed = "bench-secret-0123456789-";

    public IEnumerable<int> Ports => Enumerable.Range(firstPort, count);
    public string AppId(int port) => prefix + port;

    public JsonElement JsonInfo(int port) => JsonSerializer.SerializeToElement(new
    {
        id = AppId(port), name = "Bench " + port, version = "1.0.0", secret = SecretSeed + port, port,
    });

    private static string Dll(string root) => Path.Combine(root, "tests", "TestExApp", "bin", "Release", "net10.0", "test-exapp.dll");

    public static async Task<Fleet> StartAsync(string root, int firstPort, int count, string prefix, string nextcloudUrl)
    {
        var process = Launch(root, new()
        {
            ["TEST_FLEET_PORTS"] = $"{firstPort}-{firstPort + count - 1}", ["TEST_FLEET_PREFIX"] = prefix,
            ["TEST_FLEET_SECRET"] = SecretSeed, ["NEXTCLOUD_URL"] = nextcloudUrl,
        });
        await ReadyAsync(firstPort + count - 1);
        return new Fleet(process, firstPort, count, prefix);
    }

    /// <summary>One ordinary test ExApp (its own process) with an init mode.</summary>
    public static async Task<Fleet> StartSingleAsync(string root, int port, string appId, string initMode, string nextcloudUrl)
    {
        var process = Launch(root, new()
        {
            ["APP_ID"] = appId, ["APP_SECRET"] = SecretSeed + appId, ["APP_VERSION"] = "1.0.0", ["APP_PORT"] = port.ToString(),
            ["NEXTCLOUD_URL"] = nextcloudUrl, ["TEST_INIT_MODE"] = initMode,
        });
        await ReadyAsync(port);
        return new Fleet(process, port, 1, appId);
    }

    private static Process Launch(string root, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Dll(root));
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task ReadyAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 240; i++)
        {
            try { if ((await http.GetAsync($"http://127.0.0.1:{port}/heartbeat")).IsSuccessStatusCode) return; }
            catch (Exception) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The test ExApp on port {port} did not start");
    }

    public ValueTask DisposeAsync()
    {
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        return ValueTask.CompletedTask;
    }
}
