using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Registry;

/// <summary>What the gateway needs to know of an ExApp to authenticate it (secret never leaves this process).</summary>
public sealed record AppAuthInfo(string Appid, string Version, string Secret, bool Enabled, string StatusType);

/// <summary>Reads ExApp records from the registry's internal API.</summary>
public sealed class RegistryClient(HttpClient http, IOptions<AdminOptions> admin)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<AppAuthInfo?> GetAuthInfoAsync(string appId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"internal/apps/{Uri.EscapeDataString(appId)}/auth");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Value.Token);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<AppAuthInfo>(Json, ct);
    }
}
