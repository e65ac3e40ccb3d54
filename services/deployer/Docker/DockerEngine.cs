using System.Net;
using System.Net.Http.Json;

namespace ExApps.Deployer.Docker;

/// <summary>A typed Docker Engine API client for one engine (Docker.DotNet is not available here). Requests go
/// to <c>/v&lt;negotiated&gt;/...</c>; the version is negotiated once from <c>GET /version</c>.</summary>
public sealed partial class DockerEngine : IDockerEngine, IDisposable
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    private readonly HttpClient _http;
    private readonly string _maxApiVersion;
    private readonly TimeSpan _requestTimeout;
    private Task<string>? _apiVersion;

    private volatile string? _lastTlsFailure;

    public DockerEngine(DockerEndpoint endpoint, string maxApiVersion, TimeSpan requestTimeout, DockerTls? tls = null)
    {
        Endpoint = endpoint;
        _maxApiVersion = maxApiVersion;
        _requestTimeout = requestTimeout;
        _http = DockerHttp.CreateClient(endpoint, tls ?? DockerTls.None, failure => _lastTlsFailure = failure);
    }

    public DockerEndpoint Endpoint { get; }

    public async Task PingAsync(CancellationToken ct = default)
    {
        const string operation = "Ping";
        using var response = await SendAsync(HttpMethod.Get, "/_ping", null, operation, PingTimeout, ct);
        await EnsureSuccessAsync(response, operation, ct);
    }

    public async Task<DockerVersion> GetVersionAsync(CancellationToken ct = default)
    {
        const string operation = "Reading the engine version";
        using var response = await SendAsync(HttpMethod.Get, "/version", null, operation, _requestTimeout, ct);
        return await ReadJsonAsync<DockerVersion>(response, operation, ct);
    }

    public Task<string> GetApiVersionAsync(CancellationToken ct = default)
    {
        // One negotiation per engine; a failed one (engine down) is retried by the next call. Two callers racing
        // here may both negotiate, which is harmless.
        var task = _apiVersion;
        if (task is null || task.IsFaulted || task.IsCanceled)
            _apiVersion = task = NegotiateAsync();
        return task.WaitAsync(ct);
    }

    private async Task<string> NegotiateAsync()
    {
        var version = await GetVersionAsync(CancellationToken.None);
        return ApiVersions.Negotiate(Endpoint.Display, version.ApiVersion, version.MinApiVersion, _maxApiVersion);
    }

    private async Task<string> PathAsync(string path, CancellationToken ct) =>
        $"/v{await GetApiVersionAsync(ct)}{path}";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content,
        string operation, TimeSpan timeout, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        using var request = new HttpRequestMessage(method, path) { Content = content };
        try
        {
            return await _http.SendAsync(request, completion, timeoutCts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw DockerErrors.Timeout(Endpoint, operation, timeout);
        }
        catch (HttpRequestException e)
        {
            throw DockerErrors.Unreachable(Endpoint, operation, e, _lastTlsFailure);
        }
    }

    private Task<HttpResponseMessage> SendJsonAsync<T>(HttpMethod method, string path, T body, string operation,
        CancellationToken ct) =>
        SendAsync(method, path, JsonContent.Create(body, options: DockerJson.Options), operation, _requestTimeout, ct);

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        throw DockerErrors.FromResponse(Endpoint, operation, response.StatusCode, body);
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        await EnsureSuccessAsync(response, operation, ct);
        return await response.Content.ReadFromJsonAsync<T>(DockerJson.Options, ct)
               ?? throw new DockerEngineException($"{operation}: Docker engine {Endpoint} sent an empty answer.",
                   DockerErrorKind.Engine, (int)response.StatusCode);
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    public void Dispose() => _http.Dispose();
}
