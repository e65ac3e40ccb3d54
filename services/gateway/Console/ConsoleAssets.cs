using System.Security.Cryptography;

namespace ExApps.Gateway.Console;

/// <summary>The console's files (HTML, CSS, JavaScript modules), embedded in the gateway's assembly from
/// <c>Console/Assets</c>: served from memory, with no file system, CDN or build step involved.</summary>
public sealed class ConsoleAssets
{
    public const string ResourcePrefix = "console/";

    private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);

    public sealed record Asset(string Name, byte[] Content, string ContentType, string ETag);

    public ConsoleAssets()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var name = resource[ResourcePrefix.Length..];
            var bytes = buffer.ToArray();
            _assets[name] = new Asset(name, bytes, ContentType(name), "\"" + Convert.ToHexString(SHA256.HashData(bytes))[..16] + "\"");
        }
    }

    public Asset? Find(string name) => _assets.GetValueOrDefault(name);

    public string Text(string name) => System.Text.Encoding.UTF8.GetString(_assets[name].Content);

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
