using System.Net;
using Microsoft.Playwright;

namespace ExApps.EndToEnd.Tests.Console;

/// <summary>What the console refuses: a wrong admin token at sign-in, any page, module, API call or stream without a
/// session, and a change whose request lacks the session's CSRF token (or carries a wrong one).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleSecurityTests(ConsoleFixture platform)
{
    [Fact]
    public async Task Sign_in_with_a_wrong_token_is_refused_and_sets_no_session()
    {
        var page = await platform.NewBrowserAsync();
        await page.GotoAsync(platform.GatewayUrl + "/console/login");
        await page.FillAsync("#token", "not-the-admin-token-at-all");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#login-error");
        Assert.Equal("Wrong admin token.", await page.TextContentAsync("#login-error"));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "exapps_console");
        await platform.ScreenshotAsync(page, "10-sign-in-refused");
        // the gateway logs the attempt with the address, never the token
        var log = await File.ReadAllTextAsync(platform.Service("gateway").LogPath);
        Assert.Contains("Console sign-in: admin token rejected", log);
        Assert.DoesNotContain("not-the-admin-token-at-all", log);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_change_without_the_CSRF_token_is_refused_while_reads_pass()
    {
        var page = await platform.NewBrowserAsync();
        await page.GotoAsync(platform.GatewayUrl + "/console/login");
        await page.FillAsync("#token", PlatformFixture.AdminToken);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/console/#/apps");

        // From the console's own page, with its session cookie: a read passes, a change needs the token.
        Assert.Equal(200, await Status(page, "fetch('/admin/daemons')"));
        Assert.Equal(403, await Status(page, "fetch('/admin/daemons/nope/default', { method: 'POST' })"));
        Assert.Equal(403, await Status(page, "fetch('/admin/daemons/nope/default', { method: 'POST', headers: { 'X-CSRF-Token': 'guessed' } })"));
        var problem = await page.EvaluateAsync<string>("fetch('/admin/apps', { method: 'POST', body: '{}' }).then(r => r.text())");
        Assert.Contains("csrf_failed", problem);
        // with the page's token the same call reaches the registry (which answers that there is no such daemon)
        Assert.Equal(404, await Status(page, """
            fetch('/admin/daemons/nope/default', { method: 'POST',
              headers: { 'X-CSRF-Token': document.querySelector('meta[name="csrf-token"]').content } })
            """));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Nothing_of_the_console_is_reachable_without_a_session()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        async Task<HttpResponseMessage> Get(string path, string? cookie = null)
        {
            var req = new HttpRequestMessage(HttpMethod.Get, platform.GatewayUrl + path);
            if (cookie is not null) req.Headers.Add("Cookie", cookie);
            return await http.SendAsync(req);
        }
        var index = await Get("/console/");
        Assert.Equal(HttpStatusCode.Redirect, index.StatusCode);
        Assert.Equal("/console/login", index.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/console/assets/app.js")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/console/assets/apps.js", "exapps_console=made-up")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/admin/apps", "exapps_console=made-up")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/admin/watch/apps", "exapps_console=made-up")).StatusCode);
        var login = await Get("/console/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("default-src 'none'", login.Headers.GetValues("Content-Security-Policy").Single());
        // a sign-in posted from another site is refused before the token is even looked at
        var foreign = new HttpRequestMessage(HttpMethod.Post, platform.GatewayUrl + "/console/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = PlatformFixture.AdminToken }),
        };
        foreign.Headers.Add("Origin", "https://evil.example");
        var refused = await http.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
    }

    private static Task<int> Status(IPage page, string fetch) =>
        page.EvaluateAsync<int>($"(async () => (await {fetch}).status)()");
}
