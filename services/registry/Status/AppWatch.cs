using System.Text.Json;
using ExApps.Registry.Api;
using ExApps.Registry.Persistence;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Status;

/// <summary>Server-Sent Events of app changes, as they are written: <c>event: app</c> with the app's view (as
/// <c>GET /admin/apps/{appid}</c> answers it) first for the current state and then on every change, and
/// <c>event: removed</c> when an app is gone. For one app, or for all (the console). Comments keep idle
/// connections open through proxies.</summary>
public sealed class AppWatch(IServiceScopeFactory scopes, AppChangeFeed feed, IOptions<JsonOptions> json)
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public async Task<IResult> StreamAsync(HttpContext http, string? appId, CancellationToken ct)
    {
        using var changes = feed.Subscribe(appId);
        var views = await ReadAsync(appId, null, ct);
        if (appId is not null && views.Count == 0) return AppEndpointsNotFound(appId);

        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var sent = new Dictionary<string, string>();
        try
        {
            await SendAsync(response, views, sent, ct);
            while (!ct.IsCancellationRequested)
            {
                var changed = await changes.NextAsync(KeepAlive, ct);
                if (changed.Count == 0)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }
                var scope = changed.Contains(null) ? null : changed.Select(c => c!).ToHashSet();
                var now = await ReadAsync(appId, scope, ct);
                foreach (var gone in (scope ?? sent.Keys.ToHashSet()).Where(id => sent.ContainsKey(id) && !now.ContainsKey(id)).ToList())
                {
                    sent.Remove(gone);
                    await response.WriteAsync($"event: removed\ndata: {JsonSerializer.Serialize(new { appid = gone })}\n\n", ct);
                }
                if (appId is not null && !now.ContainsKey(appId))
                {
                    await response.Body.FlushAsync(ct);
                    break; // the one app watched is gone
                }
                await SendAsync(response, now, sent, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the client went away
        }
        return Results.Empty;
    }

    private async Task SendAsync(HttpResponse response, Dictionary<string, string> views,
        Dictionary<string, string> sent, CancellationToken ct)
    {
        foreach (var (id, view) in views)
        {
            if (sent.TryGetValue(id, out var last) && last == view) continue; // nothing the client can see changed
            sent[id] = view;
            await response.WriteAsync($"event: app\ndata: {view}\n\n", ct);
        }
        await response.Body.FlushAsync(ct);
    }

    /// <summary>The views (as JSON) of <paramref name="appId"/>, or of the apps in <paramref name="only"/>, or of all.</summary>
    private async Task<Dictionary<string, string>> ReadAsync(string? appId, HashSet<string>? only, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDb>();
        var rows = await db.ListAppsAsync(appId is not null ? [appId] : only, ct);
        return rows.ToDictionary(r => r.AppId, r => JsonSerializer.Serialize(r.ToView(), json.Value.SerializerOptions));
    }

    private static IResult AppEndpointsNotFound(string appId) =>
        Problems.Of(404, "app_not_found", $"ExApp {appId} not found.");
}
