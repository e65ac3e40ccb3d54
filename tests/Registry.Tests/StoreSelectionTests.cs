using System.Text;
using ExApps.Registry.Store;

namespace ExApps.Registry.Tests;

/// <summary>Which app store release the platform installs: Nextcloud's version spec rules, the channel, the newest
/// version, and reading the feed.</summary>
public sealed class StoreSelectionTests
{
    private static StoreRelease Release(string version, string raw = ">=30 <=32", bool nightly = false, string spec = "") =>
        new(version, $"https://example.test/{version}.tar.gz", "c2ln", nightly, spec, raw);

    private static StoreApp App(params StoreRelease[] releases) => new("hello", "Hello", "", [], "CERT", releases);

    private static StoreOptions Options(string channel = "stable", bool ignoreMax = false) =>
        new() { Channel = channel, IgnoreMaxVersion = ignoreMax };

    [Theory]
    [InlineData("32.0.0", ">=30 <=32", true)]
    [InlineData("32.0.4", ">=30 <=32", true)] // a bound of one part compares the major version only
    [InlineData("33.0.0", ">=30 <=32", false)]
    [InlineData("29.0.9", ">=30 <=32", false)]
    [InlineData("30.0.1", ">=30.1 <=32", false)] // two parts: major and minor
    [InlineData("30.1.0", ">=30.1 <=32", true)]
    [InlineData("32.0.0", "*", true)]
    [InlineData("32.0.0", ">=30", true)]
    [InlineData("32.0.0", "<=31", false)]
    [InlineData("32.0.0", ">=30.0.0 <33.0.0", true)]
    [InlineData("33.0.0", ">=30.0.0 <33.0.0", false)]
    [InlineData("32.0.0", ">=thirty", false)] // unreadable: matches nothing
    [InlineData("32.0.0", "", false)]
    public void Spec_matches_as_nextclouds_app_fetcher(string nextcloud, string spec, bool expected) =>
        Assert.Equal(expected, PlatformVersionSpec.Matches(nextcloud, spec, null, ignoreMax: false));

    [Fact]
    public void Raw_spec_wins_and_the_semantic_spec_is_the_fallback()
    {
        Assert.True(PlatformVersionSpec.Matches("32.0.0", ">=30 <=32", ">=99.0.0", ignoreMax: false));
        Assert.True(PlatformVersionSpec.Matches("32.0.0", "", ">=30.0.0 <33.0.0", ignoreMax: false));
        Assert.False(PlatformVersionSpec.Matches("33.0.0", null, ">=30.0.0 <33.0.0", ignoreMax: false));
    }

    [Fact]
    public void Ignoring_the_maximum_admits_newer_nextclouds_but_never_older_ones()
    {
        Assert.True(PlatformVersionSpec.Matches("40.0.0", ">=30 <=32", null, ignoreMax: true));
        Assert.False(PlatformVersionSpec.Matches("29.0.0", ">=30 <=32", null, ignoreMax: true));
    }

    [Fact]
    public void Newest_compatible_release_is_chosen_by_version_not_by_order()
    {
        var app = App(Release("1.9.0"), Release("1.10.0"), Release("2.0.0", raw: ">=33"), Release("1.2.0"));

        Assert.Equal("1.10.0", ReleaseChoice.Newest(app, "32.0.0", Options())!.Version);
    }

    [Fact]
    public void Stable_channel_skips_nightlies_and_pre_releases_beta_and_daily_take_them()
    {
        var app = App(Release("1.0.0"), Release("1.1.0-rc.1"), Release("1.2.0", nightly: true));

        Assert.Equal("1.0.0", ReleaseChoice.Newest(app, "32.0.0", Options("stable"))!.Version);
        Assert.Equal("1.1.0-rc.1", ReleaseChoice.Newest(app, "32.0.0", Options("beta"))!.Version);
        Assert.Equal("1.2.0", ReleaseChoice.Newest(app, "32.0.0", Options("daily"))!.Version);
    }

    [Fact]
    public void No_compatible_release_says_what_each_release_needs()
    {
        var app = App(Release("2.0.0", raw: ">=33 <=35"), Release("1.0.0-beta"), Release("0.9.0", nightly: true));

        Assert.Null(ReleaseChoice.Newest(app, "32.0.0", Options()));
        var why = ReleaseChoice.WhyNone(app, "32.0.0", Options());
        Assert.Contains("no release of hello is compatible with Nextcloud 32.0.0 on the stable channel", why);
        Assert.Contains("2.0.0 needs Nextcloud >=33 <=35", why);
        Assert.Contains("1.0.0-beta is a pre-release", why);
        Assert.Contains("0.9.0 is a nightly", why);
        Assert.Contains("lists no release", ReleaseChoice.WhyNone(App(), "32.0.0", Options()));
    }

    [Fact]
    public void Feed_keeps_what_the_platform_needs_and_leaves_out_broken_entries()
    {
        var json = """
            [
              {"id": "hello", "certificate": "PEM", "categories": ["tools", 5],
               "translations": {"de": {"name": "Hallo"}, "en": {"name": "Hello", "summary": "Says hello"}},
               "releases": [
                 {"version": "1.0.0", "download": "https://example.test/h.tar.gz", "signature": "c2ln", "isNightly": false,
                  "platformVersionSpec": ">=30.0.0 <33.0.0", "rawPlatformVersionSpec": ">=30 <=32"},
                 {"version": "", "download": "https://example.test/x.tar.gz"},
                 {"version": "2.0.0"},
                 "junk"
               ]},
              {"id": "hello", "releases": []},
              {"name": "no id"},
              {"id": "bare"},
              42
            ]
            """;

        var apps = StoreFeed.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(["hello", "bare"], apps.Select(a => a.Id));
        var hello = apps[0];
        Assert.Equal(("Hello", "Says hello", "PEM"), (hello.Name, hello.Summary, hello.Certificate));
        Assert.Equal(["tools"], hello.Categories);
        var release = Assert.Single(hello.Releases);
        Assert.Equal(("1.0.0", ">=30 <=32", ">=30.0.0 <33.0.0", false), (release.Version, release.RawPlatformVersionSpec, release.PlatformVersionSpec, release.IsNightly));
        Assert.Equal(("bare", 0), (apps[1].Name, apps[1].Releases.Count));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    public void A_feed_that_is_not_an_array_of_apps_is_refused(string json) =>
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => StoreFeed.Parse(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("https://apps.example.com", "https://apps.example.com/api/v1/appapi_apps.json")]
    [InlineData("https://apps.example.com/", "https://apps.example.com/api/v1/appapi_apps.json")]
    [InlineData("https://apps.nextcloud.com/api/v1", "https://apps.nextcloud.com/api/v1/appapi_apps.json")]
    [InlineData("http://127.0.0.1:8000/store", "http://127.0.0.1:8000/store/api/v1/appapi_apps.json")]
    public void Store_url_may_be_the_site_or_its_api(string url, string feed) =>
        Assert.Equal(feed, new StoreOptions { Url = url }.FeedUri.ToString());

    [Fact]
    public void Settings_that_cannot_work_are_named_at_start()
    {
        var o = new StoreOptions { Url = "ftp://store", Channel = "nightly", Certificates = new() { RootCaPath = "/nonexistent/ca.crt", ValidateCertificates = false } };

        var problems = o.Problems("32").ToList();

        Assert.Contains(problems, p => p.Contains("Registry:NextcloudVersion '32'"));
        Assert.Contains(problems, p => p.Contains("Registry:AppStore:Channel 'nightly'"));
        Assert.Contains(problems, p => p.Contains("Registry:AppStore:Url 'ftp://store'"));
        Assert.Contains(problems, p => p.Contains("ValidateCertificates cannot be turned off"));
        Assert.Contains(problems, p => p.Contains("Registry:AppStore:Certificates:RootCaPath '/nonexistent/ca.crt' does not exist"));
        Assert.Empty(new StoreOptions().Problems("32.0.0")); // no store: nothing more is needed
        Assert.Contains(new StoreOptions { Url = "https://apps.example.com" }.Problems("32.0.0"), p => p.Contains("RootCaPath is required"));
    }
}
