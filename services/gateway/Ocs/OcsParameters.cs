using System.Text.Json;

namespace ExApps.Gateway.Ocs;

/// <summary>Request parameters the way Nextcloud controllers see them: query string, then a JSON or form body.</summary>
public sealed class OcsParameters
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>Reads the parameters; null when the body is malformed (the caller answers 400).</summary>
    public static async Task<OcsParameters?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var p = new OcsParameters();
        foreach (var (k, v) in request.Query) p._values[k] = v.ToString();
        if (request.HasJsonContentType())
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
                foreach (var prop in doc.RootElement.EnumerateObject())
                    p._values[prop.Name] = prop.Value.ValueKind switch
                    {
                        JsonValueKind.String => prop.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => prop.Value.GetRawText(),
                    };
            }
            catch (JsonException) { return null; }
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            foreach (var (k, v) in form) p._values[k] = v.ToString();
        }
        return p;
    }
}
