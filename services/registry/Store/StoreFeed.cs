using System.Text.Json;

namespace ExApps.Registry.Store;

/// <summary>One ExApp of the store's <c>appapi_apps.json</c>, with what the platform uses of it.</summary>
public sealed record StoreApp(
    string Id,
    string Name,
    string Summary,
    IReadOnlyList<string> Categories,
    string Certificate,
    IReadOnlyList<StoreRelease> Releases);

public sealed record StoreRelease(
    string Version,
    string Download,
    string Signature,
    bool IsNightly,
    string PlatformVersionSpec,
    string RawPlatformVersionSpec);

/// <summary>Reads the store's feed leniently, as Nextcloud does: an app or release missing what the platform needs
/// (an id, a version, a download link) is left out rather than failing the whole feed; of an id listed twice the
/// first counts.</summary>
public static class StoreFeed
{
    /// <exception cref="JsonException">The body is not JSON or not an array.</exception>
    public static IReadOnlyList<StoreApp> Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new JsonException($"the feed is a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an array of apps");
        var apps = new List<StoreApp>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var app in doc.RootElement.EnumerateArray())
        {
            if (app.ValueKind != JsonValueKind.Object || Text(app, "id") is not { Length: > 0 } id || !seen.Add(id)) continue;
            var texts = Translation(app);
            var releases = Array(app, "releases")
                .Where(r => r.ValueKind == JsonValueKind.Object && Text(r, "version") is { Length: > 0 } && Text(r, "download") is { Length: > 0 })
                .Select(r => new StoreRelease(Text(r, "version")!, Text(r, "download")!, Text(r, "signature") ?? "",
                    r.TryGetProperty("isNightly", out var n) && n.ValueKind == JsonValueKind.True,
                    Text(r, "platformVersionSpec") ?? "", Text(r, "rawPlatformVersionSpec") ?? ""))
                .ToList();
            apps.Add(new StoreApp(id, Text(texts, "name") is { Length: > 0 } name ? name : id, Text(texts, "summary") ?? "",
                Array(app, "categories").Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!).ToList(),
                Text(app, "certificate") ?? "", releases));
        }
        return apps;
    }

    /// <summary>The English texts, else the first language given.</summary>
    private static JsonElement Translation(JsonElement app)
    {
        if (!app.TryGetProperty("translations", out var t) || t.ValueKind != JsonValueKind.Object) return default;
        if (t.TryGetProperty("en", out var en) && en.ValueKind == JsonValueKind.Object) return en;
        return t.EnumerateObject().Select(p => p.Value).FirstOrDefault(v => v.ValueKind == JsonValueKind.Object);
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!.Trim()
            : null;

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];
}
