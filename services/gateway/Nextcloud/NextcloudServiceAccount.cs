using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Nextcloud;

/// <summary>Why a call to Nextcloud with the platform's account could not be made: the OCS status and message the
/// ExApp gets (no configuration: 503; Nextcloud refused or failed: 502).</summary>
public sealed class NextcloudUnavailableException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>Calls the configured Nextcloud with the platform's own account (<c>Gateway:NextcloudServiceUser</c>):
/// the provisioning API's user list and the notifications app's admin notifications. The password is sent as basic
/// auth and never logged or put in a message.</summary>
public sealed class NextcloudServiceAccount(IHttpClientFactory clients, IOptions<GatewayOptions> options, ILogger<NextcloudServiceAccount> log)
{
    /// <summary>The notifications app's limits for an admin notification.</summary>
    public const int MaxShortMessage = 255;
    public const int MaxLongMessage = 4000;

    public bool IsConfigured => options.Value.NextcloudUrl.Length > 0 && options.Value.NextcloudServiceUser.Length > 0;

    /// <summary><c>GET cloud/users</c>: every user id, as AppAPI's <c>searchDisplayName('')</c> lists them.</summary>
    public async Task<List<string>> UserIdsAsync(CancellationToken ct)
    {
        using var doc = await SendAsync(HttpMethod.Get, "ocs/v2.php/cloud/users?format=json", null, "the user list", ct);
        if (doc.RootElement.GetProperty("ocs").GetProperty("data") is { ValueKind: JsonValueKind.Object } data
            && data.TryGetProperty("users", out var users) && users.ValueKind == JsonValueKind.Array)
            return users.EnumerateArray().Where(u => u.ValueKind == JsonValueKind.String).Select(u => u.GetString()!).ToList();
        throw new NextcloudUnavailableException(502, "Nextcloud's user list had an unexpected shape.");
    }

    /// <summary><c>POST apps/notifications/api/v2/admin_notifications/{user}</c>.</summary>
    public async Task NotifyAsync(string userId, string shortMessage, string longMessage, CancellationToken ct)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["shortMessage"] = Cut(shortMessage, MaxShortMessage),
            ["longMessage"] = Cut(longMessage, MaxLongMessage),
        });
        using var _ = await SendAsync(HttpMethod.Post, $"ocs/v2.php/apps/notifications/api/v2/admin_notifications/{Uri.EscapeDataString(userId)}?format=json",
            form, "the notification", ct);
    }

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, HttpContent? content, string what, CancellationToken ct)
    {
        var o = options.Value;
        if (o.NextcloudUrl.Length == 0)
            throw new NextcloudUnavailableException(503, $"No Nextcloud is configured (Gateway:NextcloudUrl), so {what} cannot be reached.");
        if (o.NextcloudServiceUser.Length == 0)
            throw new NextcloudUnavailableException(503,
                $"No Nextcloud account is configured for the platform (Gateway:NextcloudServiceUser and NextcloudServicePassword), so {what} cannot be reached.");
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.NextcloudServiceUser}:{o.NextcloudServicePassword}")));
        request.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        try
        {
            using var response = await clients.CreateClient(NextcloudUsersClient).SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                log.LogWarning("Nextcloud answered {Status} to {Method} {Path} with the platform's account", (int)response.StatusCode, method, path);
                throw new NextcloudUnavailableException(502, $"Nextcloud refused {what} ({(int)response.StatusCode}).");
            }
            return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning("Nextcloud could not be reached for {What}: {Error}", what, e.Message);
            throw new NextcloudUnavailableException(502, $"Nextcloud could not be reached for {what}.");
        }
    }

    private const string NextcloudUsersClient = Auth.NextcloudUsers.HttpClientName;

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
