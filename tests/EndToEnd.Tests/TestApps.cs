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
}
