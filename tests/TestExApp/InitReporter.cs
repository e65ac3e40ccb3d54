using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ExApps.TestExApp;

/// <summary>
/// Reports init progress to the platform the way an ExApp does after answering <c>POST /init</c> (docs/protocol.md §5.2),
/// shaped by TEST_INIT_MODE so tests can drive the success, error and hang paths.
/// </summary>
public sealed class InitReporter(
    HttpClient http,
    ExAppSettings settings,
    TestState state,
    IHostApplicationLifetime lifetime,
    ILogger<InitReporter> log)
{
    private static readonly TimeSpan StepDelay = TimeSpan.FromMilliseconds(200);
    private const int Attempts = 5;

    /// <summary>Fire and forget: the /init answer must not wait for the reports.</summary>
    public void Start() => _ = Task.Run(() => RunAsync(lifetime.ApplicationStopping));

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            switch (settings.InitMode)
            {
                case "error":
                    await ReportAsync(10, null, ct);
                    await Task.Delay(StepDelay, ct);
                    await ReportAsync(10, "test init error", ct);
                    break;
                case "instant":
                    // A fast ExApp: done as soon as it was asked (bench/run.sh measures the platform's own part).
                    await ReportAsync(0, null, ct);
                    await ReportAsync(100, null, ct);
                    break;
                case "hang":
                    await ReportAsync(0, null, ct);
                    break;
                case "slow":
                    // About 10 s of init, so a test can stop platform services while it runs.
                    for (var p = 0; p <= 100; p += 10)
                    {
                        if (p > 0) await Task.Delay(TimeSpan.FromSeconds(1), ct);
                        await ReportAsync(p, null, ct);
                    }
                    break;
                default:
                    for (var p = 0; p <= 100; p += 25)
                    {
                        if (p > 0) await Task.Delay(StepDelay, ct);
                        await ReportAsync(p, null, ct);
                    }
                    break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down mid-init is a normal test outcome.
        }
        catch (Exception e)
        {
            // Nobody awaits this task, so an unexpected failure must at least be visible in the logs.
            log.LogError(e, "Init progress reporting failed");
        }
    }

    /// <summary>Connection errors and client timeouts are worth a retry; shutdown is not.</summary>
    private static bool IsTransient(Exception e, CancellationToken ct) =>
        e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested);

    private async Task ReportAsync(int progress, string? error, CancellationToken ct)
    {
        var url = $"{settings.NextcloudUrl}/ocs/v1.php/apps/app_api/ex-app/status?format=json";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = BuildRequest(url, progress, error);
                using var response = await http.SendAsync(request, ct);
                state.ProgressReported(new ProgressReport(progress, error, (int)response.StatusCode));
                log.LogInformation("Reported init progress {Progress} -> HTTP {Status}", progress, (int)response.StatusCode);
                return;
            }
            catch (Exception e) when (IsTransient(e, ct) && attempt < Attempts)
            {
                log.LogWarning("Init progress {Progress} report failed (attempt {Attempt}): {Error}", progress, attempt, e.Message);
                await Task.Delay(StepDelay * attempt, ct);
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                // Recorded with status 0 so a test can see the app tried and the platform was unreachable.
                state.ProgressReported(new ProgressReport(progress, error, 0));
                log.LogWarning("Giving up on init progress {Progress} after {Attempts} attempts: {Error}", progress, Attempts, e.Message);
                return;
            }
        }
    }

    private HttpRequestMessage BuildRequest(string url, int progress, string? error)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url)
        {
            // Buffered, so the request carries Content-Length instead of a chunked body PHP front ends may dislike.
            Content = new ByteArrayContent(
                JsonSerializer.SerializeToUtf8Bytes(new StatusReportBody(progress, error), AppJsonContext.Default.StatusReportBody)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        // Mixed-case names on purpose: the platform must treat header names case-insensitively (docs/protocol.md §4.1).
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + settings.AppSecret));
        request.Headers.TryAddWithoutValidation("Ex-App-Id", settings.AppId);
        request.Headers.TryAddWithoutValidation("Ex-App-Version", settings.AppVersion);
        request.Headers.TryAddWithoutValidation("Authorization-App-Api", auth);
        request.Headers.TryAddWithoutValidation("Aa-Version", settings.AaVersion);
        request.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        return request;
    }
}
