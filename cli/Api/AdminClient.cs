using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ExApps.Cli.Api;

/// <summary>The gateway's admin API (docs/internal-api.md), with every failure turned into an <see cref="ApiException"/>.</summary>
public sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly AppWatchStream _watch;

    public AdminClient(Uri baseUrl, string token, HttpMessageHandler? handler = null)
    {
        BaseUrl = baseUrl;
        _watch = new AppWatchStream(baseUrl, token, handler);
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        // app:disable and app:unregister wait on the platform while an ExApp is told to stop (up to ~90 s).
        _http.Timeout = TimeSpan.FromMinutes(5);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("appapi-cli/1.0");
    }

    public Uri BaseUrl { get; }

    public async Task<RegisterDaemonResult> RegisterDaemonAsync(RegisterDaemonRequest request, CancellationToken ct)
    {
        var body = await SendAsync(HttpMethod.Post, "admin/daemons", request, ct);
        // 201 answers the daemon; 200 answers {"skipped": true, "message": ...} for an existing name.
        if (body.ValueKind == JsonValueKind.Object
            && body.TryGetProperty("skipped", out var skipped) && skipped.ValueKind == JsonValueKind.True)
            return new RegisterDaemonResult(true, MessageOf(body));
        return new RegisterDaemonResult(false, null);
    }

    public Task<JsonElement> ListDaemonsRawAsync(CancellationToken ct) => SendAsync(HttpMethod.Get, "admin/daemons", null, ct);

    /// <summary>By query rather than path: a name stored before names were restricted ("..", "a/b") is not a path
    /// segment any client sends as it is.</summary>
    public async Task<string?> UnregisterDaemonAsync(string name, CancellationToken ct) =>
        MessageOf(await SendAsync(HttpMethod.Delete, $"admin/daemons?name={Uri.EscapeDataString(name)}", null, ct));

    public Task<JsonElement> RegisterAppAsync(RegisterAppRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "admin/apps", request, ct);

    public Task<JsonElement> ListAppsRawAsync(CancellationToken ct) => SendAsync(HttpMethod.Get, "admin/apps", null, ct);

    public async Task<IReadOnlyList<AppView>> ListAppsAsync(CancellationToken ct) =>
        Read<List<AppView>>(await SendAsync(HttpMethod.Get, "admin/apps", null, ct));

    public async Task<AppView> GetAppAsync(string appId, CancellationToken ct) =>
        Read<AppView>(await SendAsync(HttpMethod.Get, $"admin/apps/{Uri.EscapeDataString(appId)}", null, ct));

    /// <summary>The app's view now and on every change until it is removed (see <see cref="AppWatchStream"/>).</summary>
    public IAsyncEnumerable<AppView> WatchAppAsync(string appId, CancellationToken ct) => _watch.WatchAsync(appId, ct);

    public async Task<string?> UnregisterAppAsync(string appId, bool rmData, bool force, CancellationToken ct)
    {
        var query = $"?rm_data={(rmData ? "true" : "false")}&force={(force ? "true" : "false")}";
        return MessageOf(await SendAsync(HttpMethod.Delete, $"admin/apps/{Uri.EscapeDataString(appId)}{query}", null, ct));
    }

    public async Task<DaemonCheckView> CheckDaemonAsync(string name, CancellationToken ct) =>
        Read<DaemonCheckView>(await SendAsync(HttpMethod.Post, $"admin/daemons/{Uri.EscapeDataString(name)}/check", null, ct));

    public async Task<IReadOnlyList<RegistryRemapView>> ListRegistriesAsync(string name, CancellationToken ct) =>
        Read<List<RegistryRemapView>>(await SendAsync(HttpMethod.Get, $"admin/daemons/{Uri.EscapeDataString(name)}/registries", null, ct));

    public async Task<string?> AddRegistryAsync(string name, string from, string to, CancellationToken ct) =>
        MessageOf(await SendAsync(HttpMethod.Post, $"admin/daemons/{Uri.EscapeDataString(name)}/registries",
            new RegistryRemapView { From = from, To = to }, ct));

    public async Task<string?> RemoveRegistryAsync(string name, string from, CancellationToken ct) =>
        MessageOf(await SendAsync(HttpMethod.Delete,
            $"admin/daemons/{Uri.EscapeDataString(name)}/registries?from={Uri.EscapeDataString(from)}", null, ct));

    /// <summary>202 <c>{appid, operation_id}</c>, or 200 <c>{message}</c> when already enabled.</summary>
    public Task<JsonElement> EnableAppAsync(string appId, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"admin/apps/{Uri.EscapeDataString(appId)}/enable", null, ct);

    /// <summary>Answers once the platform confirmed the app is disabled.</summary>
    public async Task<string?> DisableAppAsync(string appId, CancellationToken ct) =>
        MessageOf(await SendAsync(HttpMethod.Post, $"admin/apps/{Uri.EscapeDataString(appId)}/disable", null, ct));

    /// <summary>202 <c>{appid, operation_id, from_version, to_version}</c>, or 200 <c>{message}</c> when already updated.</summary>
    public Task<JsonElement> UpdateAppAsync(string appId, UpdateAppRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"admin/apps/{Uri.EscapeDataString(appId)}/update", request, ct);

    /// <summary>Installed apps with a newer compatible release in the app store.</summary>
    public async Task<IReadOnlyList<AppUpdateView>> ListUpdatesAsync(CancellationToken ct) =>
        Read<List<AppUpdateView>>(await SendAsync(HttpMethod.Get, "admin/apps/updates", null, ct));

    /// <summary>The app store's apps, those matching <paramref name="search"/> when given.</summary>
    public async Task<IReadOnlyList<CatalogEntryView>> SearchCatalogAsync(string? search, CancellationToken ct) =>
        Read<List<CatalogEntryView>>(await SendAsync(HttpMethod.Get,
            string.IsNullOrEmpty(search) ? "admin/catalog" : $"admin/catalog?search={Uri.EscapeDataString(search)}", null, ct));

    public Task<string> GetLogsAsync(string appId, int tail, CancellationToken ct) =>
        SendTextAsync(HttpMethod.Get, $"admin/apps/{Uri.EscapeDataString(appId)}/logs?tail={tail}", ct);

    /// <summary>The app's timeline, oldest first: <c>[{id, at, kind, operation_id, step, message, data}]</c>.</summary>
    public Task<JsonElement> GetEventsAsync(string appId, int? limit, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"admin/apps/{Uri.EscapeDataString(appId)}/events{(limit is { } n ? $"?limit={n}" : "")}", null, ct);

    public static string? Message(JsonElement body) => MessageOf(body);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var (status, text) = await SendRawAsync(method, path, body, ct);
        if (string.IsNullOrWhiteSpace(text))
            return default;
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ApiException(ApiFailure.Unexpected, $"The platform answered HTTP {status} with a body that is not JSON.", status);
        }
    }

    private async Task<string> SendTextAsync(HttpMethod method, string path, CancellationToken ct) =>
        (await SendRawAsync(method, path, null, ct)).Text;

    private async Task<(int Status, string Text)> SendRawAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl.AbsoluteUri.TrimEnd('/') + "/" + path));
        // Buffered with a Content-Length rather than chunked: every proxy in front of the gateway accepts that.
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), Json.Api), Encoding.UTF8, "application/json");

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            // "An error occurred while sending the request." alone says nothing; the inner cause does.
            var reason = ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal)
                ? $"{ex.Message} ({inner.Message})"
                : ex.Message;
            throw ApiException.Unreachable(BaseUrl, reason, ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw ApiException.Unreachable(BaseUrl, $"no answer within {_http.Timeout.TotalSeconds:0} s", ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw ApiException.FromResponse((int)response.StatusCode, response.ReasonPhrase, text);
            return ((int)response.StatusCode, text);
        }
    }

    private static T Read<T>(JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Undefined)
            throw new ApiException(ApiFailure.Unexpected, "The platform answered an empty body.");
        try
        {
            return body.Deserialize<T>(Json.Api)
                ?? throw new ApiException(ApiFailure.Unexpected, "The platform answered an empty body.");
        }
        catch (JsonException ex)
        {
            throw new ApiException(ApiFailure.Unexpected, $"The platform answered JSON this CLI does not understand: {ex.Message}");
        }
    }

    private static string? MessageOf(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()
            : null;

    public void Dispose() => _http.Dispose();
}
