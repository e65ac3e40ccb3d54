using System.Text;

namespace ExApps.TestExApp;

/// <summary>What nc_py_api ExApps do in their enabled handler: call the platform (log, config, their state).
/// With TEST_ENABLE_MODE=calls the app makes these calls while it handles <c>PUT /enabled?enabled=1</c> and
/// refuses to be enabled when the platform refuses any of them, as such an ExApp's handler would fail.</summary>
public sealed class PlatformCalls(ExAppSettings settings, TestState state)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Empty when every call succeeded, else what was refused.</summary>
    public async Task<string> FromEnabledHandlerAsync(CancellationToken ct)
    {
        var refused = new List<string>();
        foreach (var (method, path, body) in new (HttpMethod, string, string?)[]
                 {
                     (HttpMethod.Post, "api/v1/log", """{"level":1,"message":"enabled handler runs"}"""),
                     (HttpMethod.Post, "api/v1/ex-app/config", """{"configKey":"enabled_at","configValue":"now"}"""),
                     (HttpMethod.Get, "ex-app/state", null),
                 })
        {
            using var request = new HttpRequestMessage(method, $"{settings.NextcloudUrl}/ocs/v1.php/apps/app_api/{path}?format=json");
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            request.Headers.TryAddWithoutValidation("EX-APP-ID", settings.AppId);
            request.Headers.TryAddWithoutValidation("EX-APP-VERSION", settings.AppVersion);
            request.Headers.TryAddWithoutValidation("AUTHORIZATION-APP-API",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + settings.AppSecret)));
            request.Headers.TryAddWithoutValidation("AA-VERSION", settings.AaVersion);
            request.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
            int status;
            try
            {
                using var response = await Http.SendAsync(request, ct);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                status = 0;
            }
            state.EnabledHandlerCalled($"{method} {path}", status);
            if (status is < 200 or >= 300) refused.Add($"{method} {path} answered {status}");
        }
        return refused.Count == 0 ? "" : "platform refused: " + string.Join("; ", refused);
    }
}
