using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Auth;

/// <summary>A Nextcloud user the request is logged in as.</summary>
public sealed record NextcloudUser(string Id, bool IsAdmin);

/// <summary>Resolves the user of a request from its Nextcloud session cookie or credentials (Authorization) by
/// asking the configured Nextcloud (<c>cloud/user</c>, then the user's groups for the admin check). Answers are
/// cached briefly per credentials (keyed by a hash, so no credential is kept in memory as a key).</summary>
public sealed class NextcloudUsers(IHttpClientFactory clients, IOptions<GatewayOptions> options, ILogger<NextcloudUsers> log)
    : IDisposable
{
    public const string HttpClientName = "nextcloud";
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 50_000 });
    private sealed record Entry(NextcloudUser? User);

    /// <summary>The logged-in user, or null for an anonymous request (or when no Nextcloud is configured).</summary>
    public async Task<NextcloudUser?> ResolveAsync(HttpRequest request, CancellationToken ct)
    {
        var o = options.Value;
        var cookie = request.Headers.Cookie.ToString();
        var authorization = request.Headers.Authorization.ToString();
        if (o.NextcloudUrl.Length == 0 || (cookie.Length == 0 && authorization.Length == 0)) return null;
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(cookie + "\n" + authorization)));
        if (_cache.TryGetValue(key, out Entry? hit)) return hit!.User;

        NextcloudUser? user;
        try
        {
            user = await LookupAsync(cookie, authorization, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException
            or InvalidOperationException && !ct.IsCancellationRequested)
        {
            // Not cached: Nextcloud being down must not log everybody out for the cache lifetime.
            log.LogWarning("Could not resolve the Nextcloud user of a request: {Error}", e.Message);
            return null;
        }
        _cache.Set(key, new Entry(user), new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = o.UserCacheTtl, Size = 1 });
        return user;
    }

    private async Task<NextcloudUser?> LookupAsync(string cookie, string authorization, CancellationToken ct)
    {
        var http = clients.CreateClient(HttpClientName);
        using var me = await OcsGetAsync(http, "ocs/v2.php/cloud/user?format=json", cookie, authorization, ct);
        if (me is null || me.RootElement.GetProperty("ocs").GetProperty("data") is not { ValueKind: JsonValueKind.Object } data
            || !data.TryGetProperty("id", out var idProp) || idProp.GetString() is not { Length: > 0 } id)
            return null;
        using var groups = await OcsGetAsync(http, $"ocs/v2.php/cloud/users/{Uri.EscapeDataString(id)}/groups?format=json", cookie, authorization, ct);
        var isAdmin = groups is not null
            && groups.RootElement.GetProperty("ocs").GetProperty("data").TryGetProperty("groups", out var list)
            && list.ValueKind == JsonValueKind.Array
            && list.EnumerateArray().Any(g => g.GetString() == options.Value.NextcloudAdminGroup);
        return new NextcloudUser(id, isAdmin);
    }

    private static async Task<JsonDocument?> OcsGetAsync(HttpClient http, string path, string cookie, string authorization, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        if (cookie.Length > 0) request.Headers.TryAddWithoutValidation("Cookie", cookie);
        if (authorization.Length > 0) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) return null;
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
    }

    public void Dispose() => _cache.Dispose();
}
