using System.Text.Json;
using ExApps.AppReleases;
using ExApps.AppStore.Accounts;
using ExApps.AppStore.Admin;
using ExApps.AppStore.Catalog;
using ExApps.AppStore.Publishing;
using Microsoft.Extensions.Options;

namespace ExApps.AppStore.Tests;

public sealed class ShapeAndParserTests
{
    private static readonly JsonElement Empty = JsonDocument.Parse("[]").RootElement;

    private static ReleaseJson Release(bool exApp) => new()
    {
        Version = "1.0.0", PhpVersionSpec = "*", PlatformVersionSpec = ">=30.0.0 <33.0.0", MinIntSize = 32,
        Download = "https://example.test/a.tar.gz", Created = FeedJson.Time(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)),
        Licenses = Empty, LastModified = "x", IsNightly = false, RawPhpVersionSpec = "*", RawPlatformVersionSpec = ">=30 <=32",
        Signature = "sig", Translations = JsonDocument.Parse("{}").RootElement, SignatureDigest = "sha512",
        AaIsSystem = exApp ? false : null, DeployMethods = exApp ? Empty : null, ApiScopes = exApp ? Empty : null,
        EnvironmentVariables = exApp ? Empty : null,
    };

    private static string[] Names(object value) =>
        JsonSerializer.SerializeToElement(value, FeedJson.Options).EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void A_release_has_the_documented_fields_and_the_exapp_fields_only_in_the_appapi_feed()
    {
        string[] documented = ["version", "phpExtensions", "databases", "shellCommands", "phpVersionSpec", "platformVersionSpec",
            "minIntSize", "download", "created", "licenses", "lastModified", "isNightly", "rawPhpVersionSpec",
            "rawPlatformVersionSpec", "signature", "translations", "signatureDigest"];
        Assert.Equal(documented, Names(Release(exApp: false)));
        Assert.Equal([.. documented, "aaIsSystem", "deployMethods", "apiScopes", "environmentVariables"], Names(Release(exApp: true)));
        Assert.Equal("2026-01-02T03:04:05.000000Z", Release(false).Created);
    }

    [Fact]
    public void An_app_has_the_documented_fields()
    {
        var app = new AppJson
        {
            Id = "a", Categories = Empty, UserDocs = "", AdminDocs = "", DeveloperDocs = "", IssueTracker = "", Website = "",
            Discussion = "", Created = "", LastModified = null, Releases = [], Screenshots = Empty,
            Translations = JsonDocument.Parse("{}").RootElement, IsFeatured = false, Authors = Empty, Certificate = "pem",
        };
        Assert.Equal(["id", "categories", "userDocs", "adminDocs", "developerDocs", "issueTracker", "website", "discussion",
            "created", "lastModified", "releases", "screenshots", "translations", "isFeatured", "authors", "ratingRecent",
            "ratingOverall", "ratingNumRecent", "ratingNumOverall", "certificate"], Names(app));
        Assert.Equal(["hasRelease", "version", "isSupported"], Names(new PlatformJson(true, "31.0.0", true)));
        Assert.Equal(["id", "translations"], Names(new CategoryJson("tools", Empty)));
    }

    [Theory]
    [InlineData("100/day", 100, 86400)]
    [InlineData("5/minute", 5, 60)]
    [InlineData("3/h", 3, 3600)]
    [InlineData("1/sec", 1, 1)]
    public void Throttle_rates_read_like_the_real_stores(string text, int requests, int seconds)
    {
        Assert.True(ThrottleRate.TryParse(text, out var rate));
        Assert.Equal(new ThrottleRate(requests, TimeSpan.FromSeconds(seconds)), rate);
    }

    [Theory]
    [InlineData("100")]
    [InlineData("x/day")]
    [InlineData("10/week")]
    public void Malformed_throttle_rates_are_refused(string text) => Assert.False(ThrottleRate.TryParse(text, out _));

    [Fact]
    public void Release_import_keeps_stable_tags_at_or_above_the_oldest_supported_newest_first()
    {
        const string tags = """[[{"name":"v31.0.2"},{"name":"v31.0.2rc1"},{"name":"v32.0.0beta1"}],[{"name":"v30.0.0"},{"name":"v29.0.9"},{"name":"32.0.1"},{"nope":1}]]""";
        Assert.Equal(["32.0.1", "31.0.2", "30.0.0"], NextcloudReleaseImport.ReadVersions(tags, "30.0.0").Select(v => v.ToString()));
        Assert.Equal(4, NextcloudReleaseImport.ReadVersions(tags, null).Count);
    }

    [Fact]
    public void Passwords_verify_only_with_the_same_password()
    {
        var hash = PasswordHasher.Hash("correct horse");
        Assert.StartsWith("pbkdf2_sha256$", hash);
        Assert.True(PasswordHasher.Verify("correct horse", hash));
        Assert.False(PasswordHasher.Verify("wrong horse", hash));
    }

    [Fact]
    public void Tokens_are_derived_from_the_secret_key_and_the_seed()
    {
        ApiTokens Tokens(string key) => new(Options.Create(new AppStoreOptions { SecretKey = key }));
        var a = Tokens(new string('a', 32)).Derive(1, "seed");
        Assert.Equal(40, a.Length);
        Assert.Equal(a, Tokens(new string('a', 32)).Derive(1, "seed"));
        Assert.NotEqual(a, Tokens(new string('b', 32)).Derive(1, "seed"));
        Assert.NotEqual(a, Tokens(new string('a', 32)).Derive(1, "other"));
    }

    [Fact]
    public void App_texts_follow_the_newest_stable_release()
    {
        Assert.True(AppRepository.ShouldUpdateApp("1.0.0", false, []));
        Assert.True(AppRepository.ShouldUpdateApp("2.0.0-beta", false, [("1.0.0-alpha", false)]));
        Assert.True(AppRepository.ShouldUpdateApp("1.1.0", false, [("1.0.0", false)]));
        Assert.False(AppRepository.ShouldUpdateApp("0.9.0", false, [("1.0.0", false)]));
        Assert.False(AppRepository.ShouldUpdateApp("2.0.0", true, [("1.0.0", false)]));
        Assert.False(AppRepository.ShouldUpdateApp("2.0.0-rc1", false, [("1.0.0", false)]));
    }
}

public sealed class SettingsTests
{
    [Theory]
    [InlineData("https://example.test/a.tar.gz", false, true)]
    [InlineData("http://example.test/a.tar.gz", false, false)]
    [InlineData("http://example.test/a.tar.gz", true, true)]
    [InlineData("ftp://example.test/a.tar.gz", true, false)]
    [InlineData("not a url", true, false)]
    public void Download_links_must_be_https_unless_http_is_allowed(string url, bool allowHttp, bool accepted)
    {
        if (accepted) Assert.NotNull(ExApps.AppReleases.ArchiveDownloader.CheckUrl(url, allowHttp));
        else Assert.StartsWith("download:", Assert.Throws<ExApps.AppReleases.ReleaseCheckException>(
            () => ExApps.AppReleases.ArchiveDownloader.CheckUrl(url, allowHttp)).Message);
    }

    [Fact]
    public void Settings_that_cannot_work_are_named_at_start()
    {
        var options = new AppStoreOptions
        {
            SecretKey = new string('k', 32),
            Throttle = new ThrottleOptions { AppUpload = "lots" },
            Certificates = new CertificateOptions { RootCaPath = "/nonexistent/ca.crt" },
            ArchiveFolderBlacklist = new() { ["broken"] = "(" },
        };
        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options))
            .Select(e => e.ErrorMessage).ToList();
        Assert.Contains(errors, e => e!.Contains("AppStore:Throttle:AppUpload 'lots'"));
        Assert.Contains(errors, e => e!.Contains("AppStore:Certificates:RootCaPath '/nonexistent/ca.crt' does not exist"));
        Assert.Contains(errors, e => e!.Contains("AppStore:ArchiveFolderBlacklist rule 'broken'"));
    }
}
