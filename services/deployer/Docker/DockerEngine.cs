using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace ExApps.Deployer.Docker;

/// <summary>One Docker engine through Docker.DotNet. The Engine API version is negotiated once from
/// <c>GET /version</c> (never pinned: old engines accept nothing newer than theirs, new ones refuse old versions);
/// every failure becomes a <see cref="DockerEngineException"/> with a message an operator can act on.</summary>
public sealed partial class DockerEngine : IDockerEngine, IDisposable
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    private readonly DockerTls _tls;
    private readonly string _maxApiVersion;
    private readonly TimeSpan _requestTimeout;
    private readonly DockerClient _unversioned;
    private Task<(string Version, DockerClient Client)>? _versioned;

    private volatile string? _lastTlsFailure;

    public DockerEngine(DockerEndpoint endpoint, string maxApiVersion, TimeSpan requestTimeout, DockerTls? tls = null)
    {
        Endpoint = endpoint;
        _tls = tls ?? DockerTls.None;
        _maxApiVersion = maxApiVersion;
        _requestTimeout = requestTimeout;
        _unversioned = DockerClients.Create(endpoint, _tls, null, OnTlsFailure);
    }

    public DockerEndpoint Endpoint { get; }

    public Task PingAsync(CancellationToken ct = default) =>
        CallAsync("Ping", PingTimeout, (_, t) => _unversioned.System.PingAsync(t), ct, versioned: false);

    public Task<VersionResponse> GetVersionAsync(CancellationToken ct = default) =>
        CallAsync("Reading the engine version", _requestTimeout, (_, t) => _unversioned.System.GetVersionAsync(t), ct,
            versioned: false);

    public async Task<string> GetApiVersionAsync(CancellationToken ct = default) => (await ClientAsync(ct)).Version;

    private Task<(string Version, DockerClient Client)> ClientAsync(CancellationToken ct)
    {
        // One negotiation per engine; a failed one (engine down) is retried by the next call. Two callers racing
        // here may both negotiate; the loser's client is simply not kept.
        var task = _versioned;
        if (task is null || task.IsFaulted || task.IsCanceled)
            _versioned = task = NegotiateAsync();
        return task.WaitAsync(ct);
    }

    private async Task<(string, DockerClient)> NegotiateAsync()
    {
        var version = await GetVersionAsync(CancellationToken.None);
        var chosen = ApiVersions.Negotiate(Endpoint.Display, version.APIVersion, version.MinAPIVersion, _maxApiVersion);
        return (chosen, DockerClients.Create(Endpoint, _tls, System.Version.Parse(chosen), OnTlsFailure));
    }

    private void OnTlsFailure(string failure) => _lastTlsFailure = failure;

    private async Task CallAsync(string operation, TimeSpan timeout, Func<DockerClient, CancellationToken, Task> call,
        CancellationToken ct, bool versioned = true) =>
        await CallAsync<object?>(operation, timeout, async (c, t) => { await call(c, t); return null; }, ct, versioned);

    /// <summary>Runs one call with its timeout and turns every failure into a <see cref="DockerEngineException"/>.</summary>
    private async Task<T> CallAsync<T>(string operation, TimeSpan timeout,
        Func<DockerClient, CancellationToken, Task<T>> call, CancellationToken ct, bool versioned = true)
    {
        var client = versioned ? (await ClientAsync(ct)).Client : _unversioned;
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            return await call(client, timeoutCts.Token);
        }
        catch (Exception e) when (Translate(e, operation, timeout, ct) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>null for exceptions that are not the engine's (the caller's cancellation, our own errors).</summary>
    private DockerEngineException? Translate(Exception e, string operation, TimeSpan timeout, CancellationToken ct) =>
        e switch
        {
            DockerEngineException => null,
            DockerApiException api => DockerErrors.FromResponse(Endpoint, operation, api.StatusCode, api.ResponseBody ?? ""),
            OperationCanceledException when !ct.IsCancellationRequested => DockerErrors.Timeout(Endpoint, operation, timeout),
            HttpRequestException or IOException or SocketException when !ct.IsCancellationRequested =>
                DockerErrors.Unreachable(Endpoint, operation, e, _lastTlsFailure),
            _ => null,
        };

    /// <summary>Runs a call whose "not found" answer is a value for the caller.</summary>
    private async Task<T> OrWhenMissing<T>(Func<Task<T>> call, T missing)
    {
        try
        {
            return await call();
        }
        catch (DockerEngineException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return missing;
        }
    }

    public void Dispose()
    {
        _unversioned.Dispose();
        if (_versioned is { IsCompletedSuccessfully: true } versioned) versioned.Result.Client.Dispose();
    }
}
