using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExApps.AppStore.Catalog;

/// <summary>The feeds' JSON shapes, field for field as the real store's REST API documents them (camelCase;
/// translations keyed by language code). The ExApp fields of a release appear only in appapi_apps.json.</summary>
public static class FeedJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>ISO 8601 in UTC with microseconds, as Django REST framework writes datetimes.</summary>
    public static string Time(DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}

public sealed record CategoryJson(string Id, JsonElement Translations);

public sealed record PlatformJson(bool HasRelease, string Version, bool IsSupported);

public sealed record AppJson
{
    public required string Id { get; init; }
    public required JsonElement Categories { get; init; }
    public required string UserDocs { get; init; }
    public required string AdminDocs { get; init; }
    public required string DeveloperDocs { get; init; }
    public required string IssueTracker { get; init; }
    public required string Website { get; init; }
    public required string Discussion { get; init; }
    public required string Created { get; init; }
    public required string? LastModified { get; init; }
    public required List<ReleaseJson> Releases { get; init; }
    public required JsonElement Screenshots { get; init; }
    public required JsonElement Translations { get; init; }
    public required bool IsFeatured { get; init; }
    public required JsonElement Authors { get; init; }
    // The store keeps no ratings: every app has the neutral rating the real store gives an unrated app.
    public double RatingRecent { get; init; } = 0.5;
    public double RatingOverall { get; init; } = 0.5;
    public int RatingNumRecent { get; init; }
    public int RatingNumOverall { get; init; }
    public required string Certificate { get; init; }
}

public sealed record ReleaseJson
{
    public required string Version { get; init; }
    public List<object> PhpExtensions { get; init; } = [];
    public List<object> Databases { get; init; } = [];
    public List<string> ShellCommands { get; init; } = [];
    public required string PhpVersionSpec { get; init; }
    public required string PlatformVersionSpec { get; init; }
    public required int MinIntSize { get; init; }
    public required string Download { get; init; }
    public required string Created { get; init; }
    public required JsonElement Licenses { get; init; }
    public required string LastModified { get; init; }
    public required bool IsNightly { get; init; }
    public required string RawPhpVersionSpec { get; init; }
    public required string RawPlatformVersionSpec { get; init; }
    public required string Signature { get; init; }
    public required JsonElement Translations { get; init; }
    public required string SignatureDigest { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? AaIsSystem { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? DeployMethods { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? ApiScopes { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? EnvironmentVariables { get; init; }
}
