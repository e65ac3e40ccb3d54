using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ExApps.Contracts;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.ExAppHttp;

/// <summary><see cref="IExAppClient"/> over the factory's HttpClient. Each call has its own time limit from
/// <see cref="LifecycleOptions"/>, so the client's own Timeout is infinite.</summary>
internal sealed class ExAppClient(IHttpClientFactory httpClients, IOptions<LifecycleOptions> options, TimeProvider clock)
    : IExAppClient
{
    public const string HttpClientName = "ExApp";

    private readonly LifecycleOptions _options = options.Value;

    public async Task<CallResult> HeartbeatAsync(string exAppUrl, CancellationToken ct, bool probeFirst = false)
    {
        var uri = Combine(exAppUrl, "heartbeat");
        if (probeFirst && !ConnectProbe.ThroughProxy(uri)
            && await ConnectProbe.RefusedAsync(uri, _options.HeartbeatRequestTimeout, clock, ct))
            return new CallResult(false, $"heartbeat failed: {ConnectProbe.RefusalMessage(uri)}", Refused: true);
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await SendAsync(request, _options.HeartbeatRequestTimeout, ct, async response =>
        {
            if (response.StatusCode != HttpStatusCode.OK)
                return CallResult.Failure($"heartbeat answered {Describe(response)}");
            using var json = await TryParseAsync(response, ct);
            return json?.RootElement is { ValueKind: JsonValueKind.Object } root
                   && root.TryGetProperty("status", out var status)
                   && status.ValueKind == JsonValueKind.String && status.GetString() == "ok"
                ? CallResult.Success
                : CallResult.Failure("heartbeat answer is not {\"status\":\"ok\"}");
        }, (error, refused) => new CallResult(false, $"heartbeat failed: {error}", refused));
    }

    public Task<InitCallResult> InitAsync(ExAppTarget app, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Combine(app.ExAppUrl, "init"));
        AddAppApiHeaders(request, app);
        return SendAsync(request, _options.InitRequestTimeout, ct, response => Task.FromResult(
            response.StatusCode switch
            {
                HttpStatusCode.NotFound or HttpStatusCode.NotImplemented => new InitCallResult(InitOutcome.NoInitStep, ""),
                _ when response.IsSuccessStatusCode => new InitCallResult(InitOutcome.Started, ""),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new InitCallResult(InitOutcome.Failed,
                    $"ExApp {app.AppId} init request failed: it answered {Describe(response)}. What answers at " +
                    $"{app.ExAppUrl} refused the app's secret: it is another process on that port, or the app runs " +
                    "with the secret of an earlier registration"),
                _ => new InitCallResult(InitOutcome.Failed,
                    $"ExApp {app.AppId} init request failed: it answered {Describe(response)}"),
            }),
            (error, _) => new InitCallResult(InitOutcome.Failed, $"ExApp {app.AppId} init request failed: {error}"));
    }

    public Task<CallResult> SetEnabledAsync(ExAppTarget app, bool enabled, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, Combine(app.ExAppUrl, $"enabled?enabled={(enabled ? 1 : 0)}"));
        AddAppApiHeaders(request, app);
        var failure = $"Failed to {(enabled ? "enable" : "disable")} ExApp {app.AppId}";
        return SendAsync(request, _options.EnableTimeout, ct, async response =>
        {
            using var json = await TryParseAsync(response, ct);
            var error = json?.RootElement is { ValueKind: JsonValueKind.Object } root
                        && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                ? e.GetString()
                : null;
            if (!string.IsNullOrEmpty(error))
                return CallResult.Failure($"{failure}: {error}");
            // AppAPI only looks at "error"; a failing status without one is still a failure here.
            return response.IsSuccessStatusCode
                ? CallResult.Success
                : CallResult.Failure($"{failure}: it answered {Describe(response)}");
        }, (error, _) => CallResult.Failure($"{failure}: {error}"));
    }

    /// <summary>The §4.2 headers: the same four an ExApp sends us, with an empty user id.</summary>
    private static void AddAppApiHeaders(HttpRequestMessage request, ExAppTarget app)
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + app.Secret.Value));
        request.Headers.TryAddWithoutValidation("AA-VERSION", AppApiProtocol.Version);
        request.Headers.TryAddWithoutValidation("EX-APP-ID", app.AppId);
        request.Headers.TryAddWithoutValidation("EX-APP-VERSION", app.Version);
        request.Headers.TryAddWithoutValidation("AUTHORIZATION-APP-API", auth);
        request.Headers.TryAddWithoutValidation("AA-REQUEST-ID", Guid.NewGuid().ToString());
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, TimeSpan timeout, CancellationToken ct,
        Func<HttpResponseMessage, Task<T>> read, Func<string, bool, T> failed)
    {
        using (request)
        {
            using var timer = new CancellationTokenSource(timeout, clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
            try
            {
                var http = httpClients.CreateClient(HttpClientName);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead,
                    linked.Token);
                return await read(response);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return failed($"no answer within {timeout.TotalSeconds:0.###} s", false);
            }
            catch (HttpRequestException e)
            {
                return failed(e.Message, ConnectProbe.IsRefusal(e));
            }
        }
    }

    private static async Task<JsonDocument?> TryParseAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var body = await response.Content.ReadAsStreamAsync(ct);
            return await JsonDocument.ParseAsync(body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(HttpResponseMessage response) =>
        $"HTTP {(int)response.StatusCode} ({response.ReasonPhrase ?? response.StatusCode.ToString()})";

    private static Uri Combine(string baseUrl, string relative) => new($"{baseUrl.TrimEnd('/')}/{relative}");
}
