using System.Net;
using System.Text.Json;
using Microsoft.Playwright;

namespace ExApps.EndToEnd.Tests.Console;

/// <summary>The web console in headless Chromium on the real platform: an operator signs in, registers a daemon,
/// runs its test deploy, installs the test ExApp and watches it become enabled without reloading (in two browsers
/// at once), disables and enables it, reads its timeline and logs, unregisters it, signs out.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleBrowserTests(ConsoleFixture platform)
{
    private string Daemon => platform.AppPrefix.Replace('-', '_') + "docker";
    private string AppId => platform.AppPrefix + "exapp";

    [Fact]
    public async Task Operator_runs_daemons_and_ExApps_from_the_console_with_live_progress()
    {
        var page = await platform.NewBrowserAsync();
        await SignInAsync(page);

        // Session cookie: HttpOnly and SameSite=Strict, and the admin token is nowhere in what the page can read.
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "exapps_console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(PlatformFixture.AdminToken, await page.ContentAsync());
        Assert.Equal("", await page.EvaluateAsync<string>("document.cookie"));

        await RegisterDaemonAsync(page);
        await CheckDaemonAsync(page);
        await TestDeployAsync(page);
        await InstallWithLiveProgressAsync(page);
        await DisableAndEnableAsync(page);
        await TimelineAndLogsAsync(page);
        await DaemonInUseAsync(page);
        await PhoneWidthAsync();
        await UnregisterAsync(page);

        // Sign-out ends the session: the old cookie no longer reaches the admin API.
        await page.ClickAsync("#logout");
        await page.WaitForURLAsync("**/console/login");
        using var req = new HttpRequestMessage(HttpMethod.Get, platform.GatewayUrl + "/admin/apps");
        req.Headers.Add("Cookie", $"exapps_console={cookie.Value}");
        using var res = await platform.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.Unauthorized, res.StatusCode);
    }

    private async Task SignInAsync(IPage page)
    {
        await page.GotoAsync(platform.GatewayUrl + "/console/");
        await page.WaitForURLAsync("**/console/login");
        await platform.ScreenshotAsync(page, "01-sign-in");
        // With the keyboard only: the token field has the focus, Enter signs in.
        await page.Keyboard.TypeAsync(PlatformFixture.AdminToken);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/console/#/apps");
        await page.WaitForSelectorAsync("#live.on");
    }

    private async Task RegisterDaemonAsync(IPage page)
    {
        await page.ClickAsync("nav a[data-page=daemons]");
        await page.WaitForSelectorAsync("#register-form");
        // The CLI's own check first (a missing argument), then the registry's message next to the field it names.
        await page.ClickAsync("#register");
        await page.Locator(".field-error[data-field=name]", new() { HasText = "missing: \"name\"" }).WaitForAsync();
        await page.FillAsync("#name", Daemon);
        await page.FillAsync("#display_name", "Console Docker");
        await page.FillAsync("#host", "http://127.0.0.1:2375");
        await page.FillAsync("#nextcloud_url", platform.GatewayUrl);
        await page.FillAsync("#net", "host");
        await page.ClickAsync("#register");
        await page.Locator(".field-error[data-field=host]", new() { HasText = "must not start with a scheme" }).WaitForAsync();
        Assert.Equal(0, await page.Locator(".field-error[data-field=name]").CountAsync());
        await platform.ScreenshotAsync(page, "02-daemon-register-error");

        await page.FillAsync("#host", "/var/run/docker.sock");
        await page.CheckAsync("#set_default");
        await page.ClickAsync("#register");
        var row = page.Locator($"tr[data-daemon='{Daemon}']");
        await row.Locator("[data-default=true]").WaitForAsync();
        Assert.Contains("docker-install", await row.TextContentAsync());
        Assert.Contains("host", await row.Locator("td[data-label=Network]").TextContentAsync());
        Assert.Equal("cpu", await row.Locator("td[data-label='Compute device']").TextContentAsync());
        Assert.Equal("0", await row.Locator("td[data-label=ExApps]").TextContentAsync());
    }

    private async Task CheckDaemonAsync(IPage page)
    {
        await page.ClickAsync($"tr[data-daemon='{Daemon}'] [data-action=check]");
        await page.WaitForSelectorAsync("#check-result[data-reachable=true]");
        var text = await page.TextContentAsync("#check-result");
        Assert.Contains("Docker", text);
        Assert.Contains("Engine API", text);
    }

    private async Task TestDeployAsync(IPage page)
    {
        // Every change of a step's state is recorded as it appears on the page.
        await page.EvaluateAsync("""
            window.__steps = [];
            new MutationObserver(() => document.querySelectorAll('#test-deploy-steps li').forEach(li => {
              const seen = li.dataset.step + ':' + li.dataset.state;
              if (!window.__steps.includes(seen)) window.__steps.push(seen);
            })).observe(document.body, { subtree: true, childList: true, attributes: true });
            """);
        await page.ClickAsync($"tr[data-daemon='{Daemon}'] [data-action=test-deploy]");
        await page.WaitForSelectorAsync("#test-deploy");
        await page.WaitForSelectorAsync("#test-deploy[data-state=passed]", new() { Timeout = 300_000 });
        await platform.ScreenshotAsync(page, "03-daemon-test-deploy");

        var steps = await page.Locator("#test-deploy-steps li").EvaluateAllAsync<string[]>(
            "lis => lis.map(li => li.dataset.step + ':' + li.dataset.state + ':' + li.textContent)");
        Assert.Equal(["image_pull", "container_start", "heartbeat", "init", "enabled", "removed"],
            steps.Select(s => s.Split(':')[0]));
        Assert.All(steps, s => Assert.Equal("done", s.Split(':')[1]));
        Assert.Contains(steps, s => s.StartsWith("image_pull") && (s.Contains("already on the engine") || s.Contains("pulled")));
        Assert.Contains(steps, s => s.StartsWith("heartbeat") && s.Contains("answered"));
        Assert.Contains(steps, s => s.StartsWith("init") && s.Contains("100 %"));

        // The steps appeared one after another, in order: init was seen running before the end.
        var seen = await page.EvaluateAsync<string[]>("window.__steps");
        Assert.Contains("init:running", seen);
        var order = new[] { "image_pull", "container_start", "heartbeat", "init", "enabled", "removed" };
        var running = seen.Where(s => s.EndsWith(":running")).Select(s => Array.IndexOf(order, s.Split(':')[0])).ToList();
        Assert.Equal(running.Order(), running);

        // The test app is gone again.
        var appId = await page.GetAttributeAsync("#test-deploy", "data-appid");
        Assert.StartsWith(platform.AppPrefix + "td-", appId);
        Assert.Equal(HttpStatusCode.NotFound, (await platform.AdminAsync(HttpMethod.Get, $"/admin/apps/{appId}", null)).Status);
    }

    private async Task InstallWithLiveProgressAsync(IPage page)
    {
        // A second operator, in a browser of their own, watches the ExApps page meanwhile.
        var other = await platform.NewBrowserAsync();
        await SignInAsync(other);
        foreach (var p in new[] { page, other })
        {
            await p.GotoAsync(platform.GatewayUrl + "/console/#/apps");
            await p.WaitForSelectorAsync("#apps-table");
            await WatchRowAsync(p, AppId);
        }

        await page.ClickAsync("nav a[data-page=install]");
        // This platform has no app store: the catalog search says so in the admin API's words.
        await page.FillAsync("#store-search", "test");
        await page.PressAsync("#store-search", "Enter");
        await page.Locator("#store-results .error", new() { HasText = "No app store is configured" }).WaitForAsync();
        await page.CheckAsync("#install-src-file");
        await page.SetInputFilesAsync("#install-file", TestApps.InfoXmlFor(AppId));
        await WaitUntilAsync(page, $"document.querySelector('#appid').value === '{AppId}'");
        await page.ClickAsync("#add-env");
        await page.FillAsync("[name=env-name]", "TEST_INIT_MODE");
        await page.FillAsync("[name=env-value]", "progress");
        await platform.ScreenshotAsync(page, "04-install");
        await page.ClickAsync("#install");
        await page.WaitForURLAsync("**/console/#/apps");

        foreach (var p in new[] { page, other })
            await p.WaitForSelectorAsync($"tr[data-appid='{AppId}'][data-state=enabled]", new() { Timeout = 300_000 });
        await platform.ScreenshotAsync(page, "05-apps-enabled");
        foreach (var p in new[] { page, other })
        {
            // Never reloaded, and the init bar was seen moving between 0 and 100 before the row said enabled.
            Assert.Equal("still here", await p.EvaluateAsync<string>("window.__marker"));
            var seen = await p.EvaluateAsync<string[]>("window.__row");
            Assert.Contains(seen, s => s.StartsWith("init:") && s != "init:100");
            Assert.Equal("enabled:", seen[^1]);
            var firstEnabled = Array.IndexOf(seen, "enabled:");
            Assert.True(seen.Take(firstEnabled).Any(s => s.StartsWith("init:")), string.Join(", ", seen));
        }
        await other.Context.CloseAsync();
    }

    /// <summary>Polls <paramref name="expression"/> in the page until it is true (Playwright's WaitForFunction would
    /// evaluate a string, which the console's Content-Security-Policy rightly forbids).</summary>
    private static async Task WaitUntilAsync(IPage page, string expression, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await page.EvaluateAsync<bool>($"!!({expression})"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Never true in {seconds} s: {expression}");
            await Task.Delay(200);
        }
    }

    /// <summary>Records every state and progress value the app's row shows, and marks the page to prove it is not reloaded.</summary>
    private static Task WatchRowAsync(IPage page, string appId) => page.EvaluateAsync("""
        appId => {
          window.__marker = 'still here';
          window.__row = [];
          new MutationObserver(() => {
            const row = document.querySelector(`tr[data-appid="${appId}"]`);
            if (!row) return;
            const bar = row.querySelector('progress');
            const seen = row.dataset.state + ':' + (bar ? bar.value : '');
            if (window.__row[window.__row.length - 1] !== seen) window.__row.push(seen);
          }).observe(document.body, { subtree: true, childList: true, attributes: true });
        }
        """, appId);

    private async Task DisableAndEnableAsync(IPage page)
    {
        var row = $"tr[data-appid='{AppId}']";
        await page.ClickAsync($"{row} [data-action=disable]");
        await page.WaitForSelectorAsync($"{row}[data-state=disabled]", new() { Timeout = 120_000 });
        await page.ClickAsync($"{row} [data-action=enable]");
        await page.WaitForSelectorAsync($"{row}[data-state=enabled]", new() { Timeout = 120_000 });
        Assert.True((await platform.GetAppAsync(AppId)).GetProperty("enabled").GetBoolean());
    }

    private async Task TimelineAndLogsAsync(IPage page)
    {
        await page.ClickAsync($"tr[data-appid='{AppId}'] a");
        await page.WaitForSelectorAsync("#timeline li[data-kind=disabled]");
        await WaitUntilAsync(page, "[...document.querySelectorAll('#timeline li[data-kind=enabled]')].length >= 2");
        var lines = await page.Locator("#timeline li").AllTextContentsAsync();
        Assert.Contains(lines, l => l.Contains("Install requested"));
        Assert.Contains(lines, l => l.Contains("Heartbeat answered"));
        Assert.Contains(lines, l => l.Contains("Init at"));
        Assert.Contains(lines, l => l.Contains("Enabled"));
        Assert.Contains(lines, l => l.Contains("Disabled"));

        await page.FillAsync("#tail", "50");
        await page.ClickAsync("#load-logs");
        await WaitUntilAsync(page, "document.querySelector('#logs').textContent.includes('init progress')");
        await page.CheckAsync("#follow");
        await WaitUntilAsync(page, "document.querySelector('#logs-state').textContent.startsWith('read at')");
        await platform.ScreenshotAsync(page, "06-app-timeline-logs");
        await page.UncheckAsync("#follow");
    }

    private async Task DaemonInUseAsync(IPage page)
    {
        await page.ClickAsync("nav a[data-page=daemons]");
        await page.ClickAsync($"tr[data-daemon='{Daemon}'] [data-action=unregister]");
        await page.ClickAsync("dialog button.danger");
        await page.WaitForSelectorAsync("#unregister-refused");
        Assert.Contains("contains 1 ExApps", await page.TextContentAsync("#unregister-refused"));
        await platform.ScreenshotAsync(page, "07-daemons");
    }

    private async Task PhoneWidthAsync()
    {
        var phone = await platform.NewBrowserAsync(390, 844);
        await SignInAsync(phone);
        await phone.WaitForSelectorAsync($"tr[data-appid='{AppId}'][data-state=enabled]");
        // Nothing wider than the screen: every row is a card.
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await platform.ScreenshotAsync(phone, "08-phone-apps");
        await phone.ClickAsync("nav a[data-page=daemons]");
        await phone.WaitForSelectorAsync($"tr[data-daemon='{Daemon}']");
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await platform.ScreenshotAsync(phone, "09-phone-daemons");
        await phone.Context.CloseAsync();
    }

    private async Task UnregisterAsync(IPage page)
    {
        await page.ClickAsync("nav a[data-page=apps]");
        await page.ClickAsync($"tr[data-appid='{AppId}'] [data-action=unregister]");
        await page.CheckAsync("dialog #rm-data");
        await page.ClickAsync("dialog button.danger");
        await page.WaitForSelectorAsync($"tr[data-appid='{AppId}']", new() { State = WaitForSelectorState.Detached, Timeout = 180_000 });
        Assert.Equal(HttpStatusCode.NotFound, (await platform.AdminAsync(HttpMethod.Get, $"/admin/apps/{AppId}", null)).Status);
    }
}
