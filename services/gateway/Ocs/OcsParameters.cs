using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.Features;

namespace ExApps.Gateway.Ocs;

/// <summary>A malformed request: the message says what is wrong, the caller answers 400.</summary>
public sealed class OcsRequestException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>Request parameters the way Nextcloud controllers see them: query string, then a JSON, form or XML
/// body (body values win). A value is a string, or a list for arrays (<c>configKeys</c>, <c>configKeys[]</c>).</summary>
public sealed class OcsParameters
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    /// <summary>A scalar; JSON objects and arrays come back as their JSON text.</summary>
    public string? this[string name] => _values.GetValueOrDefault(name) switch
    {
        string s => s,
        List<string> l => JsonSerializer.Serialize(l),
        JsonElement e => e.GetRawText(),
        _ => null,
    };

    /// <summary>A structured parameter (<c>params</c>) as JSON; form lists become arrays, scalars strings.</summary>
    public System.Text.Json.Nodes.JsonNode? Json(string name) => (_values.GetValueOrDefault(name) ?? _values.GetValueOrDefault(name + "[]")) switch
    {
        JsonElement e => System.Text.Json.Nodes.JsonNode.Parse(e.GetRawText()),
        List<string> l => new System.Text.Json.Nodes.JsonArray(l.Select(x => (System.Text.Json.Nodes.JsonNode?)x).ToArray()),
        string s => System.Text.Json.Nodes.JsonValue.Create(s),
        _ => null,
    };

    public bool Has(string name) => _values.ContainsKey(name) || _values.ContainsKey(name + "[]");

    /// <summary>A list parameter: a JSON array of scalars, repeated <c>name[]</c> form/query values, or one value.
    /// Null when absent; throws when it is not a list of scalars.</summary>
    public List<string>? List(string name)
    {
        var v = _values.GetValueOrDefault(name) ?? _values.GetValueOrDefault(name + "[]");
        return v switch
        {
            null => null,
            string s => [s],
            List<string> l => l,
            JsonElement { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Select(x => x.ValueKind switch
            {
                JsonValueKind.String => x.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => x.GetRawText(),
                _ => throw new OcsRequestException($"`{name}` must be a list of strings."),
            }).ToList(),
            _ => throw new OcsRequestException($"`{name}` must be a list of strings."),
        };
    }

    /// <summary>Reads the parameters; throws <see cref="OcsRequestException"/> for a malformed or oversized body.</summary>
    public static async Task<OcsParameters> ReadAsync(HttpRequest request, long maxBodyBytes, CancellationToken ct)
    {
        var p = new OcsParameters();
        foreach (var (k, v) in request.Query) p._values[k] = v.Count > 1 || k.EndsWith("[]") ? v.Select(x => x ?? "").ToList() : v.ToString();
        if (request.ContentLength > maxBodyBytes)
            throw new OcsRequestException($"The request body is larger than {maxBodyBytes} bytes.", 413);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBodyBytes;
        if (request.ContentLength == 0) return p;
        try
        {
            if (request.HasJsonContentType()) await ReadJsonAsync(request, p, ct);
            else if (request.HasFormContentType)
                foreach (var (k, v) in await request.ReadFormAsync(ct))
                    p._values[k] = v.Count > 1 || k.EndsWith("[]") ? v.Select(x => x ?? "").ToList() : v.ToString();
            else if (IsXml(request.ContentType)) await ReadXmlAsync(request, p, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            throw new OcsRequestException($"The request body is larger than {maxBodyBytes} bytes.", 413);
        }
        catch (InvalidDataException e)
        {
            throw new OcsRequestException($"The form body is malformed: {e.Message}");
        }
        return p;
    }

    private static async Task ReadJsonAsync(HttpRequest request, OcsParameters p, CancellationToken ct)
    {
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, ct);
            if (doc.RootElement.ValueKind == JsonValueKind.Undefined) return;
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new OcsRequestException("The JSON body must be an object of parameters.");
            foreach (var prop in doc.RootElement.EnumerateObject())
                p._values[prop.Name] = prop.Value.ValueKind switch
                {
                    JsonValueKind.String => prop.Value.GetString(),
                    JsonValueKind.Null => null,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => prop.Value.GetRawText(),
                    _ => prop.Value.Clone(),
                };
        }
        catch (JsonException e)
        {
            throw new OcsRequestException($"The request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>A flat XML document: each child element of the root is a parameter; repeated ones form a list.
    /// DTDs are refused (no entity expansion).</summary>
    private static async Task ReadXmlAsync(HttpRequest request, OcsParameters p, CancellationToken ct)
    {
        try
        {
            using var reader = XmlReader.Create(request.Body, new XmlReaderSettings { Async = true, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var doc = await XDocument.LoadAsync(reader, LoadOptions.None, ct);
            foreach (var group in doc.Root!.Elements().GroupBy(e => e.Name.LocalName))
                p._values[group.Key] = group.Count() > 1 || group.Key.EndsWith("[]")
                    ? group.Select(e => e.Value).ToList()
                    : group.First().HasElements ? group.First().Elements().Select(e => e.Value).ToList() : group.First().Value;
        }
        catch (XmlException e)
        {
            throw new OcsRequestException($"The request body is not well-formed XML: {e.Message}");
        }
    }

    private static bool IsXml(string? contentType) => contentType is not null
        && (contentType.StartsWith("application/xml", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("text/xml", StringComparison.OrdinalIgnoreCase));
}
