using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>The test ExApp (tests/TestExApp): its manifest under another app id, and its /test/state.</summary>
public static class TestApps
{
    /// <summary>Writes tests/fixtures/test-exapp.xml with <paramref name="appId"/> as its id; returns the path.</summary>
    public static string InfoXmlFor(string appId)
    {
        var xml = File.ReadAllText(RepoPaths.Fixture("test-exapp.xml"))
            .Replace("<id>test-exapp</id>", $"<id>{appId}</id>");
        var path = Path.Combine(Path.GetTempPath(), $"info-{appId}-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, xml);
        return path;
    }

    public static async Task<JsonElement> StateAsync(HttpClient http, int port) =>
        await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/test/state");

    public static string TestExAppDll => Path.Combine(RepoPaths.Root, "tests", "TestExApp", "bin",
        RepoPaths.Configuration, "net10.0", "test-exapp.dll");

    /// <summary>The test ExApp as a plain process (a manual install), with what the platform would pass it and the
    /// test's <paramref name="extra"/> variables (TEST_INIT_MODE, ...). The caller kills it.</summary>
    public static Process StartProcess(string appId, string secret, int port, string nextcloudUrl,
        IReadOnlyDictionary<string, string>? extra = null, string version = "1.0.0")
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(TestExAppDll);
        psi.Environment["APP_ID"] = appId;
        psi.Environment["APP_SECRET"] = secret;
        psi.Environment["APP_VERSION"] = version;
        psi.Environment["APP_HOST"] = "127.0.0.1";
        psi.Environment["APP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["NEXTCLOUD_URL"] = nextcloudUrl;
        psi.Environment["APP_PERSISTENT_STORAGE"] = Path.GetTempPath();
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
