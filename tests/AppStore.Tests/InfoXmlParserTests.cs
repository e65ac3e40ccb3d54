using ExApps.AppReleases;
using ExApps.AppStore.Releases;

namespace ExApps.AppStore.Tests;

public sealed class InfoXmlParserTests
{
    [Fact]
    public void An_exapp_info_xml_yields_specs_docker_install_scopes_and_variables()
    {
        var info = InfoXmlParser.Parse(TestArchives.InfoXml());
        Assert.Equal("test_app", info.Id);
        Assert.Equal("1.0.0", info.Version);
        Assert.Equal(">=30.0.0 <33.0.0", info.PlatformVersionSpec);
        Assert.Equal(">=30 <=32", info.RawPlatformVersionSpec);
        Assert.Equal(new DockerInstall("localhost:5000", "exapps/test", "1.0.0"), info.DockerInstall);
        Assert.Equal([new ApiScope("FILES", false), new ApiScope("TALK", true)], info.ApiScopes);
        Assert.Equal([new EnvironmentVariable("MODE", "Mode", "How", "fast")], info.EnvironmentVariables);
        Assert.Equal("Test-App", info.Translations["de"].Name);
        Assert.Equal("Summary", info.Translations["de"].Summary); // falls back to English
        Assert.Equal([new Author("Dev", "dev@example.test", "https://example.test")], info.Authors);
    }

    [Fact]
    public void The_legacy_ex_app_block_is_accepted()
    {
        var xml = TestArchives.InfoXml(exApp: "<ex-app><docker-install><image>old/app</image></docker-install></ex-app>");
        Assert.Equal("old/app", InfoXmlParser.Parse(xml).DockerInstall.Image);
    }

    [Fact]
    public void An_app_without_an_external_app_block_is_refused_as_not_an_exapp()
    {
        var e = Assert.Throws<ReleaseCheckException>(() => InfoXmlParser.Parse(TestArchives.InfoXml(exApp: "")));
        Assert.Contains("describes no ExApp", e.Message);
    }

    [Fact]
    public void An_external_app_block_without_docker_install_is_refused()
    {
        var e = Assert.Throws<ReleaseCheckException>(() => InfoXmlParser.Parse(TestArchives.InfoXml(exApp: "<external-app><system>true</system></external-app>")));
        Assert.Contains("has no <docker-install>", e.Message);
    }

    [Theory]
    [InlineData("1.0", "is not a semantic version")]
    [InlineData("1.0.0+build", "is not a semantic version")]
    public void A_version_that_is_not_semver_is_refused(string version, string message) =>
        Assert.Contains(message, Assert.Throws<ReleaseCheckException>(() => InfoXmlParser.Parse(TestArchives.InfoXml(version: version))).Message);

    [Fact]
    public void A_missing_nextcloud_dependency_is_refused() =>
        Assert.Contains("<dependencies><nextcloud", Assert.Throws<ReleaseCheckException>(() => InfoXmlParser.Parse(TestArchives.InfoXml(nextcloud: ""))).Message);

    [Fact]
    public void Doctypes_and_entities_are_refused()
    {
        var xml = """<?xml version="1.0"?><!DOCTYPE info [<!ENTITY x SYSTEM "file:///etc/passwd">]><info><id>&x;</id></info>""";
        Assert.Contains("malformed xml", Assert.Throws<ReleaseCheckException>(() => InfoXmlParser.Parse(xml)).Message);
    }

    [Fact]
    public void The_changelog_section_of_the_version_is_taken()
    {
        const string log = "# Changelog\n## [Unreleased]\n- next\n## [1.1.0] - 2026-01-01\n- new\n## 1.0.0\n- first\n";
        Assert.Equal("- new", ChangelogParser.ForVersion(log, "1.1.0", false));
        Assert.Equal("- first", ChangelogParser.ForVersion(log, "1.0.0", false));
        Assert.Equal("- next", ChangelogParser.ForVersion(log, "1.1.0", true));
        Assert.Equal("- next", ChangelogParser.ForVersion(log, "1.2.0-beta.1", false));
        Assert.Equal("", ChangelogParser.ForVersion(log, "9.0.0", false));
    }
}
