using System.Text.Json;
using ExApps.Registry.AppInfo;
using ExApps.ServiceDefaults.Security;

namespace ExApps.Registry.Validation;

/// <summary>Checks parsed app info (info.xml or --json-info; register and update alike) before anything is stored:
/// every value that becomes a header (version), a URL or Docker parameter (image), an environment variable or a
/// route is bounded and free of characters that could inject anything. Throws <see cref="AppInfoException"/>
/// naming the first offending field.</summary>
public static class AppInfoRules
{
    public static void Check(AppInfoModel info)
    {
        Throw("version", FieldRules.Version("version", info.Version));
        Throw("name", FieldRules.Text("name", info.Name, InputLimits.AppName));
        if (!FieldRules.IsImageRegistry(info.Image.Registry))
            Throw("docker-install.registry", $"`docker-install.registry` \"{SafeText.ForLog(info.Image.Registry, 60)}\" must be a registry host such as docker.io or localhost:5000.");
        if (!FieldRules.IsImageName(info.Image.Image))
            Throw("docker-install.image", $"`docker-install.image` \"{SafeText.ForLog(info.Image.Image, 60)}\" must be a Docker repository path (lower-case letters, digits, '/', '.', '_', '-').");
        if (!FieldRules.IsImageTag(info.Image.Tag))
            Throw("docker-install.image-tag", $"`docker-install.image-tag` \"{SafeText.ForLog(info.Image.Tag, 60)}\" must be a Docker tag (letters, digits, '_', '.', '-', at most 128).");
        if (info.Secret is { } secret && (secret.Length > InputLimits.Secret || secret.Any(c => c is <= ' ' or > '~')))
            Throw("secret", $"`secret` must be 1-{InputLimits.Secret} printable ASCII characters without spaces.");

        CheckVariables(info.EnvironmentVariables);
        CheckRoutes(info.Routes);
    }

    public static void CheckVariables(IReadOnlyList<DeclaredEnvVar> vars)
    {
        if (vars.Count > InputLimits.EnvVars)
            Throw("environment-variables", $"At most {InputLimits.EnvVars} environment variables may be declared, got {vars.Count}.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < vars.Count; i++)
        {
            var v = vars[i];
            var field = $"environment-variables[{i}]";
            Throw($"{field}.name", FieldRules.EnvName($"{field}.name", v.Name));
            if (!seen.Add(v.Name)) Throw($"{field}.name", $"`{field}.name`: {v.Name} is declared twice.");
            Throw($"{field}.display-name", FieldRules.Text($"{field}.display-name", v.DisplayName, InputLimits.EnvDisplayName));
            Throw($"{field}.description", FieldRules.MultiLine($"{field}.description", v.Description, InputLimits.EnvDescription));
            Throw($"{field}.default", FieldRules.MultiLine($"{field}.default", v.Default, InputLimits.EnvValue));
        }
    }

    public static void CheckRoutes(IReadOnlyList<AppRoute> routes)
    {
        if (routes.Count > InputLimits.Routes)
            Throw("routes", $"At most {InputLimits.Routes} routes may be declared, got {routes.Count}.");
        for (var i = 0; i < routes.Count; i++)
        {
            var r = routes[i];
            var field = $"routes[{i}]";
            Throw($"{field}.url", FieldRules.Text($"{field}.url", r.Url, InputLimits.RouteUrl));
            if (r.Verb.Length > InputLimits.RouteVerb || !r.Verb.Split(',').All(FieldRules.IsMethod))
                Throw($"{field}.verb", $"`{field}.verb` must be a comma-separated list of HTTP methods (letters only, at most {InputLimits.RouteVerb} characters).");
            if (r.HeadersToExclude.Any(h => !FieldRules.IsHeaderName(h)))
                Throw($"{field}.headers_to_exclude", $"`{field}.headers_to_exclude` must list HTTP header names (tokens without spaces or control characters).");
            if (JsonSerializer.Serialize(r.HeadersToExclude).Length > InputLimits.RouteList)
                Throw($"{field}.headers_to_exclude", $"`{field}.headers_to_exclude` must be at most {InputLimits.RouteList} characters as JSON.");
            if (r.BruteforceProtection.Any(s => s is < 100 or > 599))
                Throw($"{field}.bruteforce_protection", $"`{field}.bruteforce_protection` must list HTTP status codes (100-599).");
            if (JsonSerializer.Serialize(r.BruteforceProtection).Length > InputLimits.RouteList)
                Throw($"{field}.bruteforce_protection", $"`{field}.bruteforce_protection` must be at most {InputLimits.RouteList} characters as JSON.");
        }
    }

    private static void Throw(string field, string? problem)
    {
        if (problem is not null) throw new AppInfoException(field, problem);
    }
}
