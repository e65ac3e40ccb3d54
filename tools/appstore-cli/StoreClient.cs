using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ExApps.AppStore.Cli;

/// <summary>The store's REST API as the tool uses it. Authentication: a token (<c>--token</c>, APPSTORE_TOKEN) or
/// a username and password (<c>--user</c>/<c>--password</c>, APPSTORE_USER/APPSTORE_PASSWORD).</summary>
public sealed class StoreClient(Uri store, string? token, string? user, string? password, HttpMessageHandler? handler = null)
{
    private readonly HttpClient _http = new(handler ?? new HttpClientHandler()) { BaseAddress = store, Timeout = TimeSpan.FromMinutes(5) };

    public sealed record Answer(int Status, string Body)
    {
        public bool Ok => Status is >= 200 and < 300;
        /// <summary>The store's error message (<c>{"detail": ...}</c>), or the body as it came.</summary>
        public string Message
        {
            get
            {
                try
                {
                    using var doc = JsonDocument.Parse(Body);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("detail", out var d))
                        return d.ToString();
                    if (doc.RootElement.ValueKind == JsonValueKind.Array) return string.Join("; ", doc.RootElement.EnumerateArray());
                }
                catch (JsonException) { }
                return Body.Length > 0 ? Body : $"HTTP {Status}";
            }
        }
    }

    public Task<Answer> TokenAsync(bool renew) =>
        SendAsync(HttpMethod.Post, renew ? "api/v1/token/new" : "api/v1/token", null, basicOnly: !renew);

    public Task<Answer> RegisterAsync(string certificatePem, string signature) =>
        SendAsync(HttpMethod.Post, "api/v1/apps", new { certificate = certificatePem, signature });

    public Task<Answer> PublishAsync(string download, string signature, bool nightly, string? appId, string? version) =>
        SendAsync(HttpMethod.Post, "api/v1/apps/releases", new { download, signature, nightly, appId, version });

    public Task<Answer> DeleteReleaseAsync(string appId, string version, bool nightly) =>
        SendAsync(HttpMethod.Delete, $"api/v1/apps/{Uri.EscapeDataString(appId)}/releases/{(nightly ? "nightly/" : "")}{Uri.EscapeDataString(version)}", null);

    public Task<Answer> DeleteAppAsync(string appId) =>
        SendAsync(HttpMethod.Delete, $"api/v1/apps/{Uri.EscapeDataString(appId)}", null);

    private async Task<Answer> SendAsync(HttpMethod method, string path, object? body, bool basicOnly = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (!basicOnly && !string.IsNullOrEmpty(token)) request.Headers.Authorization = new AuthenticationHeaderValue("Token", token);
        else if (!string.IsNullOrEmpty(user))
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        else throw new CliException(basicOnly
            ? "this needs --user and --password (or APPSTORE_USER and APPSTORE_PASSWORD)"
            : "this needs --token (or APPSTORE_TOKEN), or --user and --password");
        if (body is not null) request.Content = JsonContent.Create(body);
        try
        {
            using var response = await _http.SendAsync(request);
            return new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"the store at {store} cannot be reached: {e.Message}");
        }
    }
}
