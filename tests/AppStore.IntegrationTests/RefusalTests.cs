using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using ExApps.AppStore.Cli;
using ExApps.AppStore.Tests;

namespace ExApps.AppStore.IntegrationTests;

/// <summary>Every bad release or registration is refused with a message naming the problem, and nothing is stored:
/// the app keeps no release and does not appear in the ExApp feed.</summary>
[Collection(StoreCollection.Name)]
public sealed class RefusalTests(StoreHost store)
{
    private static string IdOf(X509Certificate2 cert) => cert.GetNameInfo(X509NameType.SimpleName, false);

    private async Task AssertRefused(HttpResponseMessage response, HttpStatusCode status, string message, string appId)
    {
        using (response)
        {
            var detail = await Developer.DetailAsync(response);
            Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {detail}");
            Assert.Contains(message, detail);
        }
        Assert.Equal(0, await store.ReleaseCountAsync(appId));
        var feed = await store.Anonymous().GetStringAsync("/api/v1/appapi_apps.json");
        Assert.DoesNotContain($"\"{appId}\"", feed);
    }

    private async Task<(Developer Dev, X509Certificate2 Cert, string AppId)> NewAppAsync()
    {
        var dev = await store.NewDeveloperAsync();
        var cert = await dev.NewAppAsync();
        return (dev, cert, IdOf(cert));
    }

    /// <summary>The endpoints read their bodies themselves, as JSON or as a form: a registration sent as a form is
    /// taken, and a body that is neither reaches the handler and is refused with its reason, not with routing's bare
    /// 415 (which an endpoint that declared the content types it accepts would get).</summary>
    [Fact]
    public async Task A_registration_is_read_from_a_form_and_a_body_of_another_type_is_refused_with_its_reason()
    {
        var dev = await store.NewDeveloperAsync();
        var cert = store.NewAppCertificate(StoreHost.NewAppId());
        var appId = IdOf(cert);
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["certificate"] = DevCertificates.CertificatePem(cert),
            ["signature"] = Signing.SignText(appId, DevCertificates.PrivateKeyPem(cert)),
        });
        using (var created = await dev.Http.PostAsync("/api/v1/apps", form))
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");

        using var text = await dev.Http.PostAsync("/api/v1/apps", new StringContent("certificate=x", System.Text.Encoding.UTF8, "text/plain"));
        Assert.True(text.StatusCode == HttpStatusCode.BadRequest, $"{(int)text.StatusCode}: {await text.Content.ReadAsStringAsync()}");
        Assert.Contains("must be a JSON object", await Developer.DetailAsync(text));
    }

    [Fact]
    public async Task A_release_signed_over_other_bytes_is_refused()
    {
        var (dev, cert, appId) = await NewAppAsync();
        await AssertRefused(await dev.PublishAsync(TestArchives.App(appId).Build(), cert, signedBytes: [1, 2, 3]),
            HttpStatusCode.BadRequest, "Signature is invalid", appId);
    }

    [Fact]
    public async Task A_release_signed_with_another_apps_key_is_refused()
    {
        var (dev, _, appId) = await NewAppAsync();
        var otherKey = store.NewAppCertificate(appId);
        await AssertRefused(await dev.PublishAsync(TestArchives.App(appId).Build(), otherKey),
            HttpStatusCode.BadRequest, "Signature is invalid", appId);
    }

    [Fact]
    public async Task A_release_of_an_app_whose_certificate_was_revoked_is_refused()
    {
        var (dev, cert, appId) = await NewAppAsync();
        store.Revoke(cert);
        await AssertRefused(await dev.PublishAsync(TestArchives.App(appId).Build(), cert),
            HttpStatusCode.BadRequest, "certificate revoked", appId);
    }

    [Fact]
    public async Task An_archive_bigger_than_the_download_limit_is_refused()
    {
        var (dev, cert, appId) = await NewAppAsync();
        var noise = System.Security.Cryptography.RandomNumberGenerator.GetBytes((int)StoreHost.MaxDownloadSize + 10_000);
        await AssertRefused(await dev.PublishAsync(TestArchives.App(appId).File($"{appId}/noise.bin", noise).Build(), cert),
            HttpStatusCode.BadRequest, $"bigger than the allowed {StoreHost.MaxDownloadSize} bytes", appId);
    }

    public static TheoryData<string, string> BadArchives => new()
    {
        { "dot-dot", "contains '..'" },
        { "absolute", "has an absolute path" },
        { "symlink-out", "outside the app folder" },
        { "no-info-xml", "appinfo/info.xml does not exist in package" },
        { "two-folders", "More than one possible app folder found" },
        { "not-exapp", "describes no ExApp" },
        { "folder-id-mismatch", "but info.xml reports id other_app" },
        { "not-gzip", "is not a valid tar.gz archive" },
        { "bad-version", "is not a semantic version" },
    };

    [Theory]
    [MemberData(nameof(BadArchives))]
    public async Task A_bad_archive_is_refused_with_its_reason(string kind, string message)
    {
        var (dev, cert, appId) = await NewAppAsync();
        var archive = kind switch
        {
            "dot-dot" => TestArchives.App(appId).File($"{appId}/../../tmp/evil", "x").Build(),
            "absolute" => TestArchives.App(appId).File("/tmp/evil", "x").Build(),
            "symlink-out" => TestArchives.App(appId).Link($"{appId}/passwd", "../../../etc/passwd").Build(),
            "no-info-xml" => new TestArchives().Dir($"{appId}/").File($"{appId}/README.md", "hi").Build(),
            "two-folders" => TestArchives.App(appId).File("other/README.md", "hi").Build(),
            "not-exapp" => new TestArchives().File($"{appId}/appinfo/info.xml", TestArchives.InfoXml(appId, exApp: "")).Build(),
            "folder-id-mismatch" => new TestArchives().File($"{appId}/appinfo/info.xml", TestArchives.InfoXml("other_app")).Build(),
            "not-gzip" => "plain text, no archive"u8.ToArray(),
            "bad-version" => new TestArchives().File($"{appId}/appinfo/info.xml", TestArchives.InfoXml(appId, "1.0")).Build(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        await AssertRefused(await dev.PublishAsync(archive, cert), HttpStatusCode.BadRequest, message, appId);
    }

    [Fact]
    public async Task An_archive_of_another_version_than_the_one_announced_is_refused()
    {
        var (dev, cert, appId) = await NewAppAsync();
        await AssertRefused(await dev.PublishAsync(TestArchives.App(appId).Build(), cert, version: "2.0.0"),
            HttpStatusCode.BadRequest, "holds version 1.0.0", appId);
    }

    [Fact]
    public async Task A_release_of_an_unregistered_app_is_refused()
    {
        var dev = await store.NewDeveloperAsync();
        var appId = StoreHost.NewAppId();
        await AssertRefused(await dev.PublishAsync(TestArchives.App(appId).Build(), store.NewAppCertificate(appId)),
            HttpStatusCode.BadRequest, "you need to register it first", appId);
    }

    [Fact]
    public async Task A_release_published_by_another_account_than_the_owner_is_forbidden()
    {
        var (_, cert, appId) = await NewAppAsync();
        var intruder = await store.NewDeveloperAsync();
        await AssertRefused(await intruder.PublishAsync(TestArchives.App(appId).Build(), cert),
            HttpStatusCode.Forbidden, $"Only the owner of app {appId}", appId);
    }

    [Theory]
    [InlineData("missing", "failed: HTTP 404")]
    [InlineData("redirects", "stopped at a redirect")]
    [InlineData("hang", "took longer than the allowed 3 seconds")]
    public async Task A_download_that_fails_or_breaks_the_limits_is_refused(string kind, string message)
    {
        var (dev, cert, appId) = await NewAppAsync();
        var archive = TestArchives.App(appId).Build();
        var name = $"{Guid.NewGuid():N}.tar.gz";
        store.Archives.Serve(name, archive);
        var url = kind switch
        {
            "missing" => store.Archives.Url("files/nothing-here.tar.gz"),
            "redirects" => store.Archives.Url($"redirect/5/{name}"),
            _ => store.Archives.Url($"hang/{name}"),
        };
        await AssertRefused(await dev.PublishAsync(archive, cert, url: url), HttpStatusCode.BadRequest, message, appId);
    }

    [Fact]
    public async Task Redirects_within_the_limit_are_followed()
    {
        var (dev, cert, appId) = await NewAppAsync();
        var archive = TestArchives.App(appId).Build();
        var name = $"{Guid.NewGuid():N}.tar.gz";
        store.Archives.Serve(name, archive);
        using var response = await dev.PublishAsync(archive, cert, url: store.Archives.Url($"redirect/1/{name}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Registration_is_refused_for_a_certificate_of_another_ca_a_revoked_one_a_bad_signature_or_an_invalid_id()
    {
        var dev = await store.NewDeveloperAsync();
        async Task Refused(HttpResponseMessage response, string message, string appId)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Contains(message, await Developer.DetailAsync(response));
            }
            Assert.False(await store.AppExistsAsync(appId));
        }
        var foreign = store.NewAppCertificate(StoreHost.NewAppId(), store.OtherCa);
        await Refused(await dev.RegisterAsync(foreign), "Certificate is invalid", IdOf(foreign));
        var revoked = store.NewAppCertificate(StoreHost.NewAppId());
        store.Revoke(revoked);
        await Refused(await dev.RegisterAsync(revoked), "certificate revoked", IdOf(revoked));
        // The registration limit is 3 a day per account: a second account takes the remaining cases.
        var dev2 = await store.NewDeveloperAsync();
        var good = store.NewAppCertificate(StoreHost.NewAppId());
        await Refused(await dev2.RegisterAsync(good, signedText: "another_id"), "Signature is invalid", IdOf(good));
        var badId = store.NewAppCertificate("Bad Id!");
        await Refused(await dev2.RegisterAsync(badId), "contains invalid characters", "Bad Id!");
    }

    [Fact]
    public async Task Registering_an_app_of_another_owner_is_forbidden_and_a_new_certificate_of_the_owner_drops_its_releases()
    {
        var (owner, cert, appId) = await NewAppAsync();
        (await owner.PublishAsync(TestArchives.App(appId).Build(), cert)).EnsureSuccessStatusCode();
        var intruder = await store.NewDeveloperAsync();
        using (var forbidden = await intruder.RegisterAsync(store.NewAppCertificate(appId)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Contains("Only the app owner", await Developer.DetailAsync(forbidden));
        }
        Assert.Equal(1, await store.ReleaseCountAsync(appId));
        using (var same = await owner.RegisterAsync(cert)) Assert.Equal(HttpStatusCode.NoContent, same.StatusCode);
        Assert.Equal(1, await store.ReleaseCountAsync(appId));
        using (var renewed = await owner.RegisterAsync(store.NewAppCertificate(appId))) Assert.Equal(HttpStatusCode.NoContent, renewed.StatusCode);
        Assert.Equal(0, await store.ReleaseCountAsync(appId));
    }

    [Fact]
    public async Task Requests_without_credentials_are_refused()
    {
        using var response = await store.Anonymous().PostAsJsonAsync("/api/v1/apps/releases", new { download = "http://x/a.tar.gz", signature = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Authentication credentials were not provided", await Developer.DetailAsync(response));
    }

    [Fact]
    public async Task Uploads_past_the_accounts_rate_are_throttled_and_not_stored()
    {
        var (dev, cert, appId) = await NewAppAsync();
        for (var i = 0; i < StoreHost.AppUploadRate; i++)
        {
            using var bad = await dev.Http.PostAsJsonAsync("/api/v1/apps/releases", new { download = "not a url", signature = "x" });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        using var throttled = await dev.PublishAsync(TestArchives.App(appId).Build(), cert);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
        await AssertRefused(throttled, HttpStatusCode.TooManyRequests, "Request was throttled", appId);

        // The rate is per account: another account still publishes.
        var other = await store.NewDeveloperAsync();
        var otherCert = await other.NewAppAsync();
        using var fine = await other.PublishAsync(TestArchives.App(IdOf(otherCert)).Build(), otherCert);
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
    }

    [Fact]
    public async Task Registrations_past_the_accounts_rate_are_throttled_and_not_stored()
    {
        var dev = await store.NewDeveloperAsync();
        for (var i = 0; i < StoreHost.AppRegisterRate; i++) await dev.NewAppAsync();
        var extra = store.NewAppCertificate(StoreHost.NewAppId());
        using var throttled = await dev.RegisterAsync(extra);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Contains("Request was throttled", await Developer.DetailAsync(throttled));
        Assert.False(await store.AppExistsAsync(IdOf(extra)));
    }
}
