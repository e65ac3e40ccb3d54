using System.Text;
using System.Text.Json.Nodes;
using ExApps.Gateway.Proxy;
using ExApps.ServiceDefaults.Security;

namespace ExApps.Gateway.Ocs.Registrations;

/// <summary>Reads one parameter of a registration request the way AppAPI's controllers bind it (a required
/// parameter must be present, an optional one has AppAPI's default) and checks it against AppAPI's column size.
/// Every refusal is an <see cref="OcsRequestException"/> whose message names the parameter, so the ExApp learns
/// which field is wrong (AppAPI itself fails such a request with a bare 400 or a 500).</summary>
public static class RegistrationInput
{
    /// <summary>JSON values (an initial state, a settings form, a provider's shapes) are bounded as a whole.</summary>
    public const int MaxJsonBytes = 64 * 1024;

    /// <summary>A one-line text; <paramref name="fallback"/> null makes it required.</summary>
    public static string Text(OcsParameters p, string field, int max, string? fallback = null)
    {
        var value = p[field];
        if (value is null)
            return fallback ?? throw new OcsRequestException($"`{field}` is required.");
        return CheckText(field, value, max, required: fallback is null);
    }

    public static string CheckText(string field, string value, int max, bool required = true)
    {
        if (required && value.Length == 0) throw new OcsRequestException($"`{field}` must not be empty.");
        if (value.Length > max) throw new OcsRequestException($"`{field}` must be at most {max} characters, got {value.Length}.");
        if (SafeText.HasControl(value)) throw new OcsRequestException($"`{field}` must not contain control characters.");
        return value;
    }

    /// <summary>A path of the ExApp (an action handler, an icon, a script): AppAPI stores it without leading '/';
    /// it must stay inside the ExApp (no scheme, no <c>..</c>), as it becomes a proxied or called path.</summary>
    public static string Path(OcsParameters p, string field, int max, string? fallback = null) =>
        CheckPath(field, Text(p, field, max + 16, fallback), max, required: fallback is null);

    public static string CheckPath(string field, string value, int max, bool required = true)
    {
        var path = value.TrimStart('/');
        if (required && path.Length == 0) throw new OcsRequestException($"`{field}` must not be empty.");
        if (path.Length > max) throw new OcsRequestException($"`{field}` must be at most {max} characters, got {path.Length}.");
        var q = path.IndexOf('?');
        if (path.Length > 0 && (path.Contains("://") || PathGuard.HasTraversal(path) || path.Contains('\\')
            || ProxyPath.Normalize("/" + (q >= 0 ? path[..q] : path), out _) is null || SafeText.HasControl(path)))
            throw new OcsRequestException($"`{field}` must be a path of the ExApp (no scheme, `..`, back slashes or control characters).");
        return path;
    }

    public static int Int(OcsParameters p, string field, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = p[field];
        if (text is null || text.Length == 0) return fallback;
        if (text is "true") text = "1";
        if (text is "false") text = "0";
        if (!int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new OcsRequestException($"`{field}` must be an integer from {min} to {max}.");
        return n;
    }

    public static bool Bool(OcsParameters p, string field, bool fallback) => p[field] switch
    {
        null or "" => fallback,
        "1" or "true" => true,
        "0" or "false" => false,
        _ => throw new OcsRequestException($"`{field}` must be true or false."),
    };

    /// <summary>A JSON object (PHP <c>array</c> with keys); <paramref name="allowArray"/> also takes a list.
    /// Null when absent and not <paramref name="required"/>.</summary>
    public static JsonNode? Json(OcsParameters p, string field, bool required, bool allowArray = false)
    {
        var node = p.Json(field);
        if (node is null)
            return required ? throw new OcsRequestException($"`{field}` is required.") : null;
        return CheckJson(field, node, allowArray);
    }

    public static JsonNode CheckJson(string field, JsonNode node, bool allowArray)
    {
        // PHP decodes an empty object and an empty list alike; AppAPI accepts either for an array parameter.
        if (node is JsonArray { Count: 0 } && !allowArray) node = new JsonObject();
        if (node is not JsonObject && !(allowArray && node is JsonArray))
            throw new OcsRequestException($"`{field}` must be a JSON {(allowArray ? "object or list" : "object")}.");
        if (Encoding.UTF8.GetByteCount(node.ToJsonString()) > MaxJsonBytes)
            throw new OcsRequestException($"`{field}` must be at most {MaxJsonBytes} bytes as JSON.");
        return node;
    }

    /// <summary>A list parameter (<c>eventSubtypes</c>, <c>usages</c>): strings, each bounded.</summary>
    public static List<string> Strings(OcsParameters p, string field, int maxItems, int maxLength)
    {
        var list = p.List(field) ?? [];
        if (list.Count > maxItems) throw new OcsRequestException($"`{field}` must have at most {maxItems} items.");
        for (var i = 0; i < list.Count; i++) CheckText($"{field}[{i}]", list[i], maxLength, required: false);
        return list;
    }
}
