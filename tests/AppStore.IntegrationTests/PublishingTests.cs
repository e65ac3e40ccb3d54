using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ExApps.AppStore.Tests;

namespace ExApps.AppStore.IntegrationTests;

[Collection(StoreCollection.Name)]
public sealed class PublishingTests(StoreHost store)
{
    private static async Task<JsonElement> Json(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static JsonElement? App(JsonElement feed, string appId) =>
        feed.EnumerateArray().Where(a => a.GetProperty("id").GetString() == appId).Select(a => (JsonElement?)a).FirstOrDefault();

    [Fact]
    public async Task A_published_release_is_served_by_every_feed_with_its_signature_and_specs()
    {
        var dev = await store.NewDeveloperAsync();
        var cert = await dev.NewAppAsync();
        var appId = cert.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
        var archive = TestArchives.App(appId).File($"{appId}/CHANGELOG.md", "## 1.0.0\n- first release").Build();
        using (var published = await dev.PublishAsync(archive, cert))
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);

        var http = store.Anonymous();
        var exApp = App(await Json(http, "/api/v1/appapi_apps.json"), appId)!.Value;
        var release = exApp.GetProperty("releases")[0];
        Assert.Equal("1.0.0", release.GetProperty("version").GetString());
        Assert.Equal(">=30.0.0 <33.0.0", release.GetProperty("platformVersionSpec").GetString());
        Assert.Equal(">=30 <=32", release.GetProperty("rawPlatformVersionSpec").GetString());
        Assert.False(release.GetProperty("isNightly").GetBoolean());
        Assert.Equal("sha512", release.GetProperty("signatureDigest").GetString());
        Assert.StartsWith("http://127.0.0.1", release.GetProperty("download").GetString());
        Assert.Equal("- first release", release.GetProperty("translations").GetProperty("en").GetProperty("changelog").GetString());
        Assert.Equal("MODE", release.GetProperty("environmentVariables")[0].GetProperty("envName").GetString());
        Assert.Equal("exapps/test", release.GetProperty("deployMethods")[0].GetProperty("installData").GetProperty("image").GetString());
        Assert.Equal("Test-App", exApp.GetProperty("translations").GetProperty("de").GetProperty("name").GetString());
        Assert.Contains("BEGIN CERTIFICATE", exApp.GetProperty("certificate").GetString());

        // The signature in the feed verifies the archive with the app's certificate, as AppAPI checks it.
        var signature = Convert.FromBase64String(release.GetProperty("signature").GetString()!);
        using var rsa = cert.GetRSAPublicKey()!;
        Assert.True(rsa.VerifyData(archive, signature, System.Security.Cryptography.HashAlgorithmName.SHA512,
            System.Security.Cryptography.RSASignaturePadding.Pkcs1));

        var plain = App(await Json(http, "/api/v1/apps.json"), appId)!.Value.GetProperty("releases")[0];
        Assert.False(plain.TryGetProperty("environmentVariables", out _));
        Assert.NotNull(App(await Json(http, "/api/v1/platform/31.0.0/apps.json"), appId));
        Assert.Null(App(await Json(http, "/api/v1/platform/29.0.0/apps.json"), appId));
        Assert.Null(App(await Json(http, "/api/v1/platform/33.0.0/apps.json"), appId));
        Assert.Contains((await Json(http, "/api/v1/categories.json")).EnumerateArray(), c => c.GetProperty("id").GetString() == "tools");
        Assert.Contains((await Json(http, "/api/v1/platforms.json")).EnumerateArray(), p => p.GetProperty("version").GetString() == "32.0.0");
        using var badVersion = await http.GetAsync("/api/v1/platform/31.0/apps.json");
        Assert.Equal(HttpStatusCode.NotFound, badVersion.StatusCode);
    }

    [Fact]
    public async Task A_feed_answers_304_to_its_etag_until_a_publish_changes_it()
    {
        var http = store.Anonymous();
        using var first = await http.GetAsync("/api/v1/appapi_apps.json");
        var etag = first.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/appapi_apps.json");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        var dev = await store.NewDeveloperAsync();
        var cert = await dev.NewAppAsync();
        var appId = cert.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
        (await dev.PublishAsync(TestArchives.App(appId).Build(), cert)).EnsureSuccessStatusCode();

        using var after = new HttpRequestMessage(HttpMethod.Get, "/api/v1/appapi_apps.json");
        after.Headers.IfNoneMatch.Add(etag);
        using var changed = await http.SendAsync(after);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);

        using var categories = await http.GetAsync("/api/v1/categories.json");
        using var cat304 = new HttpRequestMessage(HttpMethod.Get, "/api/v1/categories.json");
        cat304.Headers.IfNoneMatch.Add(categories.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(cat304)).StatusCode);
    }

    [Fact]
    public async Task Feeds_are_gzip_compressed_for_clients_that_accept_it()
    {
        var http = store.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/categories.json");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await http.SendAsync(request);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var json = await JsonDocument.ParseAsync(gzip);
        Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
    }

    [Fact]
    public async Task Republishing_a_version_updates_it_and_a_nightly_replaces_the_previous_nightly()
    {
        var dev = await store.NewDeveloperAsync();
        var cert = await dev.NewAppAsync();
        var appId = cert.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
        Assert.Equal(HttpStatusCode.Created, (await dev.PublishAsync(TestArchives.App(appId).Build(), cert)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dev.PublishAsync(TestArchives.App(appId).Build(), cert)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await dev.PublishAsync(TestArchives.App(appId, "1.1.0").Build(), cert, nightly: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await dev.PublishAsync(TestArchives.App(appId, "1.2.0").Build(), cert, nightly: true)).StatusCode);

        var releases = App(await Json(store.Anonymous(), "/api/v1/appapi_apps.json"), appId)!.Value.GetProperty("releases")
            .EnumerateArray().Select(r => (r.GetProperty("version").GetString(), r.GetProperty("isNightly").GetBoolean())).ToList();
        Assert.Equal([("1.2.0", true), ("1.0.0", false)], releases);
    }

    [Fact]
    public async Task Only_the_owner_deletes_releases_and_apps()
    {
        var owner = await store.NewDeveloperAsync();
        var other = await store.NewDeveloperAsync();
        var cert = await owner.NewAppAsync();
        var appId = cert.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
        (await owner.PublishAsync(TestArchives.App(appId).Build(), cert)).EnsureSuccessStatusCode();
        (await owner.PublishAsync(TestArchives.App(appId, "1.0.1").Build(), cert)).EnsureSuccessStatusCode();

        using (var forbidden = await other.Http.DeleteAsync($"/api/v1/apps/{appId}/releases/1.0.0"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Contains("Only the owner", await Developer.DetailAsync(forbidden));
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Http.DeleteAsync($"/api/v1/apps/{appId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.DeleteAsync($"/api/v1/apps/{appId}/releases/9.9.9")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.DeleteAsync($"/api/v1/apps/{appId}/releases/nightly/1.0.0")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await store.Anonymous().DeleteAsync($"/api/v1/apps/{appId}")).StatusCode);
        Assert.Equal(2, await store.ReleaseCountAsync(appId));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/v1/apps/{appId}/releases/1.0.0")).StatusCode);
        Assert.Equal(1, await store.ReleaseCountAsync(appId));
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/v1/apps/{appId}")).StatusCode);
        Assert.False(await store.AppExistsAsync(appId));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.DeleteAsync($"/api/v1/apps/{appId}")).StatusCode);
    }

    [Fact]
    public async Task A_token_is_stable_until_renewed_and_the_old_one_then_stops_working()
    {
        var dev = await store.NewDeveloperAsync();
        var http = store.Anonymous();
        async Task<string> Post(string path, AuthenticationHeaderValue auth)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Headers = { Authorization = auth } };
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        }
        var basic = StoreHost.Basic(dev.Username, "developer-password");
        Assert.Equal(dev.Token, await Post("/api/v1/token", basic));
        var renewed = await Post("/api/v1/token/new", new AuthenticationHeaderValue("Token", dev.Token));
        Assert.NotEqual(dev.Token, renewed);
        Assert.Equal(renewed, await Post("/api/v1/token", basic));

        using var old = new HttpRequestMessage(HttpMethod.Post, "/api/v1/token/new") { Headers = { Authorization = new("Token", dev.Token) } };
        using var refused = await http.SendAsync(old);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Invalid token.", await Developer.DetailAsync(refused));

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/v1/token") { Headers = { Authorization = StoreHost.Basic(dev.Username, "nope") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task An_account_whose_email_is_not_verified_cannot_use_the_api()
    {
        var dev = await store.NewDeveloperAsync(verified: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/token") { Headers = { Authorization = StoreHost.Basic(dev.Username, "developer-password") } };
        using var response = await store.Anonymous().SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("is not verified", await Developer.DetailAsync(response));
    }
}
