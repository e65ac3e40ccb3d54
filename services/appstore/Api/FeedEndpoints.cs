using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ExApps.AppStore.Catalog;
using ExApps.AppStore.Versioning;

namespace ExApps.AppStore.Api;

/// <summary>The public feeds. Each answer carries a strong ETag (a hash of its body); a request whose
/// If-None-Match names it gets 304 without a body. Compression is the response-compression middleware's.</summary>
public static partial class FeedEndpoints
{
    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex PlatformVersion();

    public static void MapFeedEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/categories.json", Categories);
        api.MapGet("/platforms.json", Platforms);
        api.MapGet("/apps.json", Apps);
        api.MapGet("/appapi_apps.json", AppApiApps);
        api.MapGet("/platform/{version}/apps.json", PlatformApps);
    }

    private static async Task<IResult> Categories(HttpContext http, CatalogReader catalog) =>
        Feed(http, await catalog.CategoriesAsync(http.RequestAborted));

    private static async Task<IResult> Platforms(HttpContext http, CatalogReader catalog) =>
        Feed(http, await catalog.PlatformsAsync(http.RequestAborted));

    private static async Task<IResult> Apps(HttpContext http, CatalogReader catalog) =>
        Feed(http, await catalog.AppsAsync(exAppFields: false, keep: null, http.RequestAborted));

    private static async Task<IResult> AppApiApps(HttpContext http, CatalogReader catalog) =>
        Feed(http, await catalog.AppsAsync(exAppFields: true, keep: null, http.RequestAborted));

    /// <summary>Apps with the releases whose platformVersionSpec the version satisfies; apps with none are left out.</summary>
    private static async Task<IResult> PlatformApps(string version, HttpContext http, CatalogReader catalog)
    {
        if (!PlatformVersion().IsMatch(version) || !SemVer.TryParse(version, out var platform))
            return ApiErrors.NotFound($"{version} is not a platform version (semantic version, core digits only, e.g. 31.0.2).");
        return Feed(http, await catalog.AppsAsync(exAppFields: false,
            r => VersionSpec.Matches(platform, r.PlatformVersionSpec), http.RequestAborted));
    }

    private static IResult Feed<T>(HttpContext http, T value)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, FeedJson.Options);
        var etag = $"\"{Convert.ToHexString(SHA256.HashData(body), 0, 16).ToLowerInvariant()}\"";
        http.Response.Headers.ETag = etag;
        if (Matches(http.Request.Headers.IfNoneMatch.ToString(), etag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Bytes(body, "application/json");
    }

    private static bool Matches(string ifNoneMatch, string etag) =>
        ifNoneMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(t => t == "*" || t == etag || (t.StartsWith("W/", StringComparison.Ordinal) && t[2..] == etag));
}
