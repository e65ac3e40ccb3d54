namespace ExApps.Cli;

/// <summary>Where the gateway is and how to authenticate, from <c>APPAPI_URL</c> and <c>APPAPI_TOKEN</c>.</summary>
public sealed record CliSettings(Uri Url, string Token)
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    public const string DefaultToken = "dev-admin-token";

    /// <exception cref="CliException">APPAPI_URL is not an absolute http(s) URL.</exception>
    public static CliSettings FromEnvironment(IReadOnlyDictionary<string, string> env)
    {
        var url = env.GetValueOrDefault("APPAPI_URL") is { Length: > 0 } u ? u : DefaultUrl;
        var token = env.GetValueOrDefault("APPAPI_TOKEN") is { Length: > 0 } t ? t : DefaultToken;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new CliException($"APPAPI_URL must be an absolute http:// or https:// URL, got \"{url}\".", 1);
        return new CliSettings(uri, token);
    }
}
