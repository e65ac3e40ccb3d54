using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>The test ExApp in fleet mode: one process serving <see cref="Count"/> ExApps, one per port from
/// <see cref="FirstPort"/>, whose ids start with <see cref="Prefix"/> (see tests/TestExApp/Fleet.cs).</summary>
public sealed class Fleet : IAsyncDisposable
{
    private readonly Process _process;

    private Fleet(Process process, int firstPort, int count, string prefix)
    {
        _process = process;
        FirstPort = firstPort;
        Count = count;
        Prefix = prefix;
    }

    public int FirstPort { get; }
    public int Count { get; }
    public string Prefix { get; }
    public const string SecretSeed = "fleet-secret-0123456789-";

    public IEnumerable<int> Ports => Enumerable.Range(FirstPort, Count);

    /// <summary>The first <paramref name="count"/> apps of this fleet (same process; disposing the view does not stop it).</summary>
    public Fleet Take(int count) => new(_process, FirstPort, count, Prefix) { _view = true };

    private bool _view;
    public string AppId(int port) => Prefix + port;
    public static string Secret(int port) => SecretSeed + port;

    public static async Task<Fleet> StartAsync(int firstPort, int count, string prefix, string nextcloudUrl,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(TestApps.TestExAppDll);
        psi.Environment["TEST_FLEET_PORTS"] = $"{firstPort}-{firstPort + count - 1}";
        psi.Environment["TEST_FLEET_PREFIX"] = prefix;
        psi.Environment["TEST_FLEET_SECRET"] = SecretSeed;
        psi.Environment["NEXTCLOUD_URL"] = nextcloudUrl;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        var process = Process.Start(psi)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var fleet = new Fleet(process, firstPort, count, prefix);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The fleet exited with {process.ExitCode}");
            try
            {
                (await http.GetAsync($"http://127.0.0.1:{firstPort + count - 1}/heartbeat")).EnsureSuccessStatusCode();
                return fleet;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>The manual-install JSON description of the app on <paramref name="port"/>.</summary>
    public JsonElement JsonInfo(int port) => JsonSerializer.SerializeToElement(new
    {
        id = AppId(port), name = "Fleet " + port, version = "1.0.0", secret = Secret(port), port,
    });

    public static Task<JsonElement> StateAsync(HttpClient http, int port) =>
        http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/test/state");

    public ValueTask DisposeAsync()
    {
        if (_view) return ValueTask.CompletedTask;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
