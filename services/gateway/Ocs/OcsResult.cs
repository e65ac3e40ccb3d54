using System.Text;
using System.Text.Json;
using System.Xml;

namespace ExApps.Gateway.Ocs;

/// <summary>The OCS envelope (docs/protocol.md §6). v1 answers HTTP 200 with statuscode 100 (ok) or the error code; v2 answers
/// statuscode 200 and maps errors to HTTP status codes; an authentication failure (997) is HTTP 401 in both.
/// JSON when <c>format=json</c> or <c>Accept: application/json</c>, XML otherwise.</summary>
public sealed class OcsResult(object? data, int status = 200, string? message = null) : IResult
{
    public const int Unauthorised = 997;
    public const int NotFound = 998;
    public const int ServerError = 996;

    public static OcsResult Ok(object? data) => new(data);
    public static OcsResult Error(int status, string message) => new(Array.Empty<object>(), status, message);
    public static OcsResult Error(int status, string message, object data) => new(data, status, message);

    public async Task ExecuteAsync(HttpContext http)
    {
        var v1 = http.Request.Path.StartsWithSegments("/ocs/v1.php");
        var ok = status is 200 or 100;
        var ocsCode = v1 ? (ok ? 100 : status) : status;
        http.Response.StatusCode = status switch
        {
            Unauthorised => 401,
            _ when v1 => 200,
            NotFound => 404,
            ServerError => 500,
            < 200 or > 600 => 400,
            _ => status,
        };
        var meta = new Dictionary<string, object?>
        {
            ["status"] = ok ? "ok" : "failure",
            ["statuscode"] = ocsCode,
            ["message"] = message ?? (ok ? "OK" : ""),
            ["totalitems"] = "",
            ["itemsperpage"] = "",
        };
        var envelope = new Dictionary<string, object?> { ["ocs"] = new Dictionary<string, object?> { ["meta"] = meta, ["data"] = data } };
        if (WantsJson(http.Request))
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(http.Response.Body, envelope, JsonOptions);
            return;
        }
        http.Response.ContentType = "application/xml; charset=utf-8";
        await http.Response.WriteAsync(ToXml(JsonSerializer.SerializeToElement(envelope, JsonOptions)));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = null };

    public static bool WantsJson(HttpRequest r) =>
        string.Equals(r.Query["format"], "json", StringComparison.OrdinalIgnoreCase)
        || (r.Query["format"].Count == 0 && r.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase));

    private static string ToXml(JsonElement root)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            w.WriteStartDocument();
            foreach (var p in root.EnumerateObject()) Write(w, p.Name, p.Value);
        }
        return sb.ToString().Replace("encoding=\"utf-16\"", "encoding=\"UTF-8\"");
    }

    private static void Write(XmlWriter w, string name, JsonElement value)
    {
        w.WriteStartElement(XmlConvert.EncodeLocalName(name));
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in value.EnumerateObject()) Write(w, p.Name, p.Value);
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray()) Write(w, "element", item);
                break;
            case JsonValueKind.String:
                w.WriteString(value.GetString());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                w.WriteString(value.GetBoolean() ? "1" : "");
                break;
            case JsonValueKind.Number:
                w.WriteString(value.GetRawText());
                break;
        }
        w.WriteEndElement();
    }
}
