namespace ExApps.Cli;

/// <summary>Where the gateway is and how to authenticate: <c>APPAPI_URL</c>, and the admin token from
/// <c>APPAPI_TOKEN</c>, else from the file <c>APPAPI_TOKEN_FILE</c> names, else from the file the platform generates
/// on this machine (<c>~/.local/share/exapps/admin.token</c>, the services' <c>Admin:TokenFile</c>).</summary>
public sealed record CliSettings(Uri Url, string Token)
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static string DefaultTokenFile { get; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "exapps", "admin.token");

    /// <exception cref="CliException">APPAPI_URL is not an absolute http(s) URL, or no admin token can be found.</exception>
    public static CliSettings FromEnvironment(IReadOnlyDictionary<string, string> env)
    {
        var url = env.GetValueOrDefault("APPAPI_URL") is { Length: > 0 } u ? u : DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new CliException($"APPAPI_URL must be an absolute http:// or https:// URL, got \"{url}\".", 1);
        return new CliSettings(uri, ReadToken(env));
    }

    private static string ReadToken(IReadOnlyDictionary<string, string> env)
    {
        if (env.GetValueOrDefault("APPAPI_TOKEN") is { Length: > 0 } token) return token.Trim();
        var file = env.GetValueOrDefault("APPAPI_TOKEN_FILE") is { Length: > 0 } f ? f : DefaultTokenFile;
        try
        {
            if (File.ReadAllText(file).Trim() is { Length: > 0 } fromFile) return fromFile;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"No admin token: APPAPI_TOKEN is not set and {file} cannot be read ({e.Message}). " +
                "Set APPAPI_TOKEN (scripts/admin-token.sh prints the platform's generated token) or APPAPI_TOKEN_FILE.", 1);
        }
        throw new CliException($"No admin token: APPAPI_TOKEN is not set and {file} is empty.", 1);
    }
}
