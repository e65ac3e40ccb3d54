using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Registry;

/// <summary>What the gateway needs to know of an ExApp to authenticate it (secret never leaves this process).</summary>
public sealed record AppAuthInfo(string Appid, string Version, string Secret, bool Enabled, string StatusType);

/// <summary>A proxy route of an ExApp (docs/protocol.md §6); <see cref="AccessLevel"/> 0 PUBLIC, 1 USER, 2 ADMIN.</summary>
public sealed record AppRoute(string Url, string Verb, int AccessLevel, IReadOnlyList<string> HeadersToExclude,
    IReadOnlyList<int> BruteforceProtection);

/// <summary>What the proxy needs: where the ExApp is, how to authenticate to it, its routes.</summary>
public sealed record AppRoutes(string Appid, string Version, bool Enabled, string ExappUrl, string Secret,
    IReadOnlyList<AppRoute> Routes);

/// <summary>An answer of the registry's admin API passed on as it is (status and JSON body).</summary>
public sealed record RegistryAnswer(HttpStatusCode Status, JsonNode? Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
    /// <summary>The ProblemDetails <c>detail</c>, or a generic message.</summary>
    public string Detail => Body?["detail"]?.GetValue<string>() ?? $"The registry answered {(int)Status}.";
}

/// <summary>Reads ExApp records from the registry's internal API and calls its admin API.</summary>
public sealed class RegistryClient(HttpClient http, IOptions<AdminOptions> admin)
{
    public const string HttpClientName = "registry";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public Task<AppAuthInfo?> GetAuthInfoAsync(string appId, CancellationToken ct) =>
        GetOrNullAsync<AppAuthInfo>($"internal/apps/{Esc(appId)}/auth", ct);

    public Task<AppRoutes?> GetRoutesAsync(string appId, CancellationToken ct) =>
        GetOrNullAsync<AppRoutes>($"internal/apps/{Esc(appId)}/routes", ct);

    /// <summary>Config storage: <paramref name="userId"/> null for per-app config, else that user's preferences.
    /// <paramref name="operation"/> is "" (set), "get-values" or "delete".</summary>
    public Task<RegistryAnswer> ConfigAsync(string appId, string? userId, string operation, object body, CancellationToken ct)
    {
        var path = userId is null ? $"internal/apps/{Esc(appId)}/config" : $"internal/apps/{Esc(appId)}/preferences/{Esc(userId)}";
        return SendAsync(HttpMethod.Post, operation.Length == 0 ? path : $"{path}/{operation}", body, ct);
    }

    /// <summary>Registrations (docs/registrations.md): <paramref name="operation"/> "" (save), "get" or "delete".</summary>
    public Task<RegistryAnswer> RegistrationAsync(string appId, string kind, string operation, object body, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"internal/apps/{Esc(appId)}/registrations/{Esc(kind)}{(operation.Length == 0 ? "" : "/" + operation)}", body, ct);

    /// <summary>Talk bots: <paramref name="operation"/> "" (register), "delete" or "secret".</summary>
    public Task<RegistryAnswer> TalkBotAsync(string appId, string operation, object body, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"internal/apps/{Esc(appId)}/talk-bots{(operation.Length == 0 ? "" : "/" + operation)}", body, ct);

    public Task<RegistryAnswer> ListAppsAsync(CancellationToken ct) => SendAsync(HttpMethod.Get, "admin/apps", null, ct);

    public Task<RegistryAnswer> GetAppAsync(string appId, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"admin/apps/{Esc(appId)}", null, ct);

    /// <summary><c>POST /admin/apps/{appid}/enable|disable</c>.</summary>
    public Task<RegistryAnswer> SetEnabledAsync(string appId, bool enabled, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"admin/apps/{Esc(appId)}/{(enabled ? "enable" : "disable")}", new { }, ct);

    private async Task<T?> GetOrNullAsync<T>(string path, CancellationToken ct) where T : class
    {
        using var request = Request(HttpMethod.Get, path);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(Json, ct);
    }

    private async Task<RegistryAnswer> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = Request(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonNode? node = null;
        try { node = text.Length > 0 ? JsonNode.Parse(text) : null; }
        catch (JsonException) { }
        return new RegistryAnswer(response.StatusCode, node);
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Value.Token);
        return request;
    }

    private static string Esc(string s) => Uri.EscapeDataString(s);
}
