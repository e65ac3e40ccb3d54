namespace ExApps.EndToEnd.Tests.Store;

/// <summary>Issue 14's bad cases: each is refused with a message that says why, and nothing is stored — neither a
/// release in the store (where the store is the one to refuse) nor a record, a lifecycle request or a container on
/// the platform.</summary>
[Collection(StoreCollection.Name)]
public sealed class StoreRefusalTests(StoreFixture platform)
{
    private async Task AssertInstallRefusedAsync(string appId, params string[] messages)
    {
        var run = await platform.Cli("app:register", appId, "--wait-finish");
        Assert.True(run.ExitCode == 1, run + "\n" + platform.Logs());
        Assert.All(messages, m => Assert.Contains(m, run.StdErr));
        Assert.Empty(await platform.PlatformTracesAsync(appId));
    }

    private static void AssertRefused(ProcessResult run, string message)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(message, run.StdErr);
    }

    [Fact]
    public async Task An_app_the_store_does_not_list_is_refused()
    {
        var appId = platform.AppPrefix + "absent";
        await AssertInstallRefusedAsync(appId, $"Failed to get app info for `{appId}` from the app store: {appId} is not in the app store at {platform.StoreUrl}.");
    }

    [Fact]
    public async Task An_app_without_a_release_for_this_nextcloud_is_refused()
    {
        var appId = platform.AppPrefix + "future";
        var (_, key) = await platform.RegisterAppAsync(appId);
        var archive = await TestReleases.BuildAsync(platform.Dir, appId, "1.0.0", TestReleases.InfoXml(appId, "1.0.0", "1.0.0", min: "33", max: "35"));
        Assert.Equal(0, (await platform.PublishAsync(archive, key)).ExitCode);

        await AssertInstallRefusedAsync(appId,
            $"no release of {appId} is compatible with Nextcloud 32.0.0 on the stable channel (1.0.0 needs Nextcloud >=33)");
    }

    [Fact]
    public async Task A_release_whose_archive_no_longer_matches_its_signature_is_refused()
    {
        var appId = platform.AppPrefix + "sig";
        var (_, key) = await platform.RegisterAppAsync(appId);
        var signed = await TestReleases.BuildAsync(platform.Dir, appId, "1.0.0");
        var other = await TestReleases.BuildAsync(platform.Dir, appId, "1.0.0", extra: "not what was signed");

        // Store side: a signature of other bytes than the link serves.
        var url = platform.Releases.Serve($"{appId}-served.tar.gz", other);
        AssertRefused(await platform.Tool("release", "publish", "--url", url, "--archive", signed, "--key", key), "Signature is invalid");
        Assert.Equal(0, await platform.StoreReleaseCountAsync(appId));

        // Platform side: the store listed the signed archive, then the download host swapped it.
        Assert.Equal(0, (await platform.PublishAsync(signed, key, servedAs: $"{appId}-1.0.0.tar.gz")).ExitCode);
        platform.Releases.Serve($"{appId}-1.0.0.tar.gz", other);
        await AssertInstallRefusedAsync(appId, $"Release 1.0.0 of {appId} from the app store is refused: Signature is invalid");
    }

    [Fact]
    public async Task A_certificate_the_platform_does_not_trust_is_refused()
    {
        // Store side: a certificate of a CA the store does not know.
        var unknownCa = Path.Combine(platform.Dir, "unknown-ca");
        Assert.Equal(0, (await platform.Tool("cert", "ca", "--out-dir", unknownCa, "--bits", "2048")).ExitCode);
        var stranger = platform.AppPrefix + "stranger";
        var (cert, key) = await platform.AppCertificateAsync(stranger, unknownCa);
        AssertRefused(await platform.Tool("register", "--cert", cert, "--key", key), "Certificate is invalid");
        Assert.False(await platform.StoreHasAppAsync(stranger));

        // Platform side: the store accepts the other CA's certificates, the platform does not.
        var appId = platform.AppPrefix + "foreign";
        var (_, foreignKey) = await platform.RegisterAppAsync(appId, platform.OtherCa);
        Assert.Equal(0, (await platform.PublishAsync(await TestReleases.BuildAsync(platform.Dir, appId, "1.0.0"), foreignKey)).ExitCode);
        await AssertInstallRefusedAsync(appId, $"Release 1.0.0 of {appId} from the app store is refused: Certificate is invalid");
    }

    [Fact]
    public async Task A_revoked_certificate_is_refused()
    {
        var appId = platform.AppPrefix + "revoked";
        var (cert, key) = await platform.RegisterAppAsync(appId);
        Assert.Equal(0, (await platform.PublishAsync(await TestReleases.BuildAsync(platform.Dir, appId, "1.0.0"), key)).ExitCode);
        Assert.Equal(0, (await platform.RevokeAsync(cert)).ExitCode);

        // Store side: no new release with it; platform side: the listed release is not installed.
        AssertRefused(await platform.PublishAsync(await TestReleases.BuildAsync(platform.Dir, appId, "1.0.1"), key), "certificate revoked");
        Assert.Equal(1, await platform.StoreReleaseCountAsync(appId));
        await AssertInstallRefusedAsync(appId, $"Release 1.0.0 of {appId} from the app store is refused: Certificate is invalid: certificate revoked");
    }

    [Fact]
    public async Task An_archive_over_the_size_limits_is_refused()
    {
        var appId = platform.AppPrefix + "big";
        var (_, key) = await platform.RegisterAppAsync(appId);

        // Store side: over the store's limit.
        var huge = await TestReleases.BuildAsync(platform.Dir, appId, "1.0.0", paddingBytes: (int)StoreFixture.StoreMaxDownload + 100_000);
        AssertRefused(await platform.PublishAsync(huge, key), $"bigger than the allowed {StoreFixture.StoreMaxDownload} bytes");
        Assert.Equal(0, await platform.StoreReleaseCountAsync(appId));

        // Platform side: within the store's limit, over the platform's.
        var big = await TestReleases.BuildAsync(platform.Dir, appId, "1.0.0", paddingBytes: (int)StoreFixture.PlatformMaxDownload + 100_000);
        Assert.Equal(0, (await platform.PublishAsync(big, key)).ExitCode);
        await AssertInstallRefusedAsync(appId,
            $"Release 1.0.0 of {appId} from the app store is refused: Downloaded archive is bigger than the allowed {StoreFixture.PlatformMaxDownload} bytes");
    }

    [Theory]
    [InlineData(TestReleases.DotDot, "dots", "contains '..'")]
    [InlineData(TestReleases.Absolute, "abs", "has an absolute path")]
    [InlineData(TestReleases.NoInfoXml, "noinfo", "appinfo/info.xml")]
    public async Task An_archive_that_escapes_its_folder_or_lacks_info_xml_is_refused(string kind, string name, string message)
    {
        var appId = platform.AppPrefix + name;
        var (_, key) = await platform.RegisterAppAsync(appId);
        var hostile = TestReleases.Hostile(platform.Dir, appId, "1.0.0", kind);

        // Store side: refused when published (the developer tool itself refuses an archive without info.xml).
        AssertRefused(await platform.PublishAsync(hostile, key), message);
        Assert.Equal(0, await platform.StoreReleaseCountAsync(appId));

        // Platform side: a store that lists it anyway, correctly signed by the app's key.
        Assert.Equal(0, (await platform.PublishAsync(await TestReleases.BuildAsync(platform.Dir, appId, "1.0.0"), key)).ExitCode);
        await platform.ListUncheckedAsync(appId, "1.0.0", hostile, key);
        await AssertInstallRefusedAsync(appId, $"Release 1.0.0 of {appId} from the app store is refused: ", message);
    }
}
