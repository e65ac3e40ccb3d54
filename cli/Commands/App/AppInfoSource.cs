using System.Text.Json;
using ExApps.Cli.Api;

namespace ExApps.Cli.Commands.App;

/// <summary>Where <c>app:register</c> and <c>app:update</c> get the app info from: <c>--json-info</c>, <c>--info-xml</c>
/// (file or URL), or, with neither, the app store (the platform takes the newest compatible release).</summary>
public static class AppInfoSource
{
    /// <summary>Fills the app-info fields of the request. AppAPI gives <c>--json-info</c> precedence over <c>--info-xml</c>.</summary>
    /// <exception cref="CliException">Unreadable or malformed app info.</exception>
    public static RegisterAppRequest Apply(RegisterAppRequest request, string? infoXml, string? jsonInfo)
    {
        if (jsonInfo is not null)
            return request with { JsonInfo = ParseJsonInfo(jsonInfo) };

        if (infoXml is null)
            return request; // from the app store

        if (Uri.TryCreate(infoXml, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return request with { InfoXmlUrl = infoXml };

        var path = uri is { IsFile: true } ? uri.LocalPath : infoXml;
        try
        {
            return request with { InfoXml = File.ReadAllText(path) };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException($"Failed to load info.xml from {infoXml} ({ex.Message})");
        }
    }

    public static JsonElement ParseJsonInfo(string json)
    {
        JsonElement element;
        try
        {
            using var doc = JsonDocument.Parse(json);
            element = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new CliException($"Invalid --json-info: not valid JSON ({ex.Message})");
        }
        if (element.ValueKind != JsonValueKind.Object)
            throw new CliException($"Invalid --json-info: expected a JSON object, got {element.ValueKind.ToString().ToLowerInvariant()}.");
        return element;
    }
}
