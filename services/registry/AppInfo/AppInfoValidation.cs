using System.Text.Json;
using System.Text.RegularExpressions;
using ExApps.Contracts;

namespace ExApps.Registry.AppInfo;

/// <summary>Rules shared by the info.xml and JSON parsers, so both reject the same input the same way (the bounds
/// and character rules of every value follow in Validation/AppInfoRules.cs).</summary>
internal static class AppInfoValidation
{
    /// <summary>Counted before the items are parsed, so thousands of routes cost nothing to refuse.</summary>
    public static void Count(string field, int count, int max)
    {
        if (count > max) throw new AppInfoException(field, $"At most {max} {field} may be declared, got {count}.");
    }

    public static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new AppInfoException(field, $"The app info has no `{field}`: it is required.")
            : value.Trim();

    public static ImageRef Image(string appId, string? registry, string? image, string? tag) => new(
        string.IsNullOrWhiteSpace(registry) ? "docker.io" : registry.Trim(),
        string.IsNullOrWhiteSpace(image) ? appId : image.Trim(),
        string.IsNullOrWhiteSpace(tag) ? "latest" : tag.Trim());

    public static AppRoute Route(int index, string? url, string? verb, string? accessLevel,
        IReadOnlyList<string> headersToExclude, IReadOnlyList<int> bruteforce)
    {
        var field = $"routes[{index}]";
        if (string.IsNullOrWhiteSpace(url))
            throw new AppInfoException($"{field}.url", $"Route {index}: `url` is required.");
        // Checked before the regex is compiled: a megabyte pattern costs time even to refuse.
        if (Validation.FieldRules.Text($"{field}.url", url, Validation.InputLimits.RouteUrl) is { } bad)
            throw new AppInfoException($"{field}.url", bad);
        try
        {
            _ = new Regex(url, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new AppInfoException($"{field}.url", $"Route {index}: `url` \"{url}\" is not a valid regular expression ({e.Message}).");
        }
        var verbs = (verb ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (verbs.Length == 0)
            throw new AppInfoException($"{field}.verb", $"Route {index}: `verb` must name at least one HTTP method.");
        var level = (accessLevel ?? "").Trim().ToUpperInvariant() switch
        {
            "PUBLIC" or "0" => 0,
            "USER" or "1" => 1,
            "ADMIN" or "2" => 2,
            _ => throw new AppInfoException($"{field}.access_level",
                $"Route {index}: `access_level` \"{accessLevel}\" must be one of PUBLIC, USER, ADMIN (or 0, 1, 2)."),
        };
        return new AppRoute(url, string.Join(',', verbs.Select(v => v.ToUpperInvariant())), level,
            headersToExclude, bruteforce);
    }

    public static DeclaredEnvVar EnvVar(int index, string? name, string? displayName, string? description, string? dflt)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new AppInfoException($"environment-variables[{index}].name", $"Environment variable {index}: `name` is required.");
        return new DeclaredEnvVar(name.Trim(), displayName ?? "", description ?? "", dflt);
    }

    /// <summary>headers_to_exclude / bruteforce_protection hold a JSON array (AppAPI stores them as JSON text);
    /// a comma-separated list is accepted too.</summary>
    public static IReadOnlyList<T> JsonList<T>(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        if (text.Length > Validation.InputLimits.RouteList)
            throw new AppInfoException(field, $"`{field}` must be at most {Validation.InputLimits.RouteList} characters.");
        var trimmed = text.Trim();
        if (trimmed.StartsWith('['))
        {
            try { return JsonSerializer.Deserialize<List<T>>(trimmed) ?? []; }
            catch (JsonException) { throw new AppInfoException(field, $"`{field}` must be a JSON array, got {trimmed}."); }
        }
        try
        {
            return trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => (T)Convert.ChangeType(s, typeof(T))).ToList();
        }
        catch (FormatException) { throw new AppInfoException(field, $"`{field}` must be a list, got {trimmed}."); }
    }
}
