using Microsoft.Playwright;

namespace ExApps.EndToEnd.Tests.Console;

/// <summary>The platform for the web console's browser tests: its own database and ports, app ids starting with
/// <c>&lt;run&gt;-con-</c> (test deploys <c>&lt;run&gt;-con-td-</c>), and Debian's Chromium driven by Playwright
/// (no browser download). Each browser gets a fresh user data directory; screenshots go to
/// <c>.local/test-results/console/</c>.</summary>
public sealed class ConsoleFixture : PlatformFixture, IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    protected override string Name => Scoped("con");
    protected override int BasePort => ScopedPort(18680, 90);

    protected override IDictionary<string, string> RegistrySettings => new Dictionary<string, string>
    {
        ["Registry__TestDeploy__AppIdPrefix"] = AppPrefix + "td",
    };

    public IPlaywright Playwright { get; private set; } = null!;
    public string Screenshots { get; } = Path.Combine(RepoPaths.Root, ".local", "test-results", "console");
    private readonly List<IBrowserContext> _browsers = [];

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Directory.CreateDirectory(Screenshots);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
    }

    /// <summary>A new browser (its own profile, so its own cookies) showing a page.</summary>
    public async Task<IPage> NewBrowserAsync(int width = 1280, int height = 900)
    {
        var profile = Directory.CreateTempSubdirectory("console-browser-").FullName;
        var browser = await Playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"],
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        _browsers.Add(browser);
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        return page;
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public new async Task DisposeAsync()
    {
        foreach (var b in _browsers)
        {
            try { await b.CloseAsync(); } catch (PlaywrightException) { }
        }
        Playwright?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
