using System.Text.Json;

namespace ExApps.Registry.AppInfo;

/// <summary>Parses <c>--json-info</c> (docs/protocol.md §7): top-level keys stand for the external-app ones (an
/// <c>external-app</c> object is read too); legacy <c>appid</c>, <c>scopes</c>, <c>system</c> are ignored.</summary>
public static class JsonInfoParser
{
    public static AppInfoModel Parse(JsonElement json, string appId)
    {
        if (json.ValueKind != JsonValueKind.Object)
            throw new AppInfoException("json_info", "--json-info must be a JSON object.");
        var ext = json.TryGetProperty("external-app", out var e) && e.ValueKind == JsonValueKind.Object ? e : json;

        var id = Str(json, "id") is { Length: > 0 } i ? i : appId;
        var version = AppInfoValidation.Required(Str(json, "version"), "version");
        var name = Str(json, "name") is { Length: > 0 } n ? n : id;
        var docker = Obj(ext, "docker-install");
        var image = AppInfoValidation.Image(id, Str(docker, "registry"), Str(docker, "image"), Str(docker, "image-tag"));

        AppInfoValidation.Count("environment-variables", EnvVarItems(ext).Count(), Validation.InputLimits.EnvVars);
        AppInfoValidation.Count("routes", Items(ext, "routes").Count(), Validation.InputLimits.Routes);
        var envVars = EnvVarItems(ext).Select((v, idx) => AppInfoValidation.EnvVar(idx,
            Str(v, "name"), Str(v, "display-name") ?? Str(v, "displayName"), Str(v, "description"),
            Str(v, "default"))).ToList();
        var routes = Items(ext, "routes").Select((r, idx) => AppInfoValidation.Route(idx,
            Str(r, "url"), Str(r, "verb"), Str(r, "access_level"),
            AppInfoValidation.JsonList<string>(Raw(r, "headers_to_exclude"), $"routes[{idx}].headers_to_exclude"),
            AppInfoValidation.JsonList<int>(Raw(r, "bruteforce_protection"), $"routes[{idx}].bruteforce_protection")))
            .ToList();

        string? secret = Str(json, "secret");
        int? port = null;
        if (json.TryGetProperty("port", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            port = p.ValueKind switch
            {
                JsonValueKind.Number when p.TryGetInt32(out var v) => v,
                JsonValueKind.String when int.TryParse(p.GetString(), out var v) => v,
                _ => throw new AppInfoException("port", $"`port` must be a number, got {p.GetRawText()}."),
            };
            if (port is < 1 or > 65535)
                throw new AppInfoException("port", $"`port` must be between 1 and 65535, got {port}.");
        }
        return new AppInfoModel(id, name, version, image, envVars, routes,
            string.IsNullOrEmpty(secret) ? null : secret, port);
    }

    private static JsonElement? Obj(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? Str(JsonElement? o, string name)
    {
        if (o is not { } obj || !obj.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => null,
        };
    }

    private static string? Raw(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var v) ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();

    private static IEnumerable<JsonElement> Items(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];

    /// <summary>Accepts both an array of variables and info.xml's shape <c>{"variable": [...]}</c>.</summary>
    private static IEnumerable<JsonElement> EnvVarItems(JsonElement ext)
    {
        if (!ext.TryGetProperty("environment-variables", out var v)) return [];
        if (v.ValueKind == JsonValueKind.Array) return v.EnumerateArray();
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("variable", out var inner))
            return inner.ValueKind == JsonValueKind.Array ? inner.EnumerateArray() : [inner];
        return [];
    }
}
