using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExApps.Cli.Api;

public static class Json
{
    /// <summary>The admin API's wire format: snake_case, nulls left out.</summary>
    public static readonly JsonSerializerOptions Api = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>For JSON shown to people: readable non-ASCII and URLs (`&amp;`, `+` unescaped).</summary>
    public static JsonSerializerOptions Print(bool indented) => indented ? PrintIndented : PrintCompact;

    private static readonly JsonSerializerOptions PrintCompact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions PrintIndented = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };
}
