using ExApps.AppReleases;

namespace ExApps.AppStore.Tests;

public sealed class ArchiveInspectorTests
{
    private static readonly DownloadOptions Limits = new() { MaxDownloadFileSize = 4096, MaxUncompressedSize = 1024 * 1024 };
    private static readonly Dictionary<string, string> Blacklist = new() { ["No .git directories"] = @"\.git$" };

    private static ArchiveContents Inspect(TestArchives archive)
    {
        var path = archive.WriteTemp();
        try { return ArchiveInspector.Inspect(path, "release.tar.gz", Limits, Blacklist); }
        finally { File.Delete(path); }
    }

    private static string Refused(TestArchives archive) =>
        Assert.Throws<ReleaseCheckException>(() => Inspect(archive)).Message;

    [Fact]
    public void A_valid_archive_yields_its_folder_info_xml_and_changelogs()
    {
        var contents = Inspect(TestArchives.App().File("test_app/CHANGELOG.md", "## 1.0.0\n- x")
            .File("test_app/CHANGELOG.de.md", "## 1.0.0\n- y").Link("test_app/lib/link", "../appinfo/info.xml"));
        Assert.Equal("test_app", contents.AppFolder);
        Assert.Contains("<id>test_app</id>", contents.InfoXml);
        Assert.Equal(["de", "en"], contents.Changelogs.Keys.Order());
    }

    [Fact]
    public void Paths_starting_with_dot_slash_are_read_as_relative() =>
        Assert.Equal("test_app", Inspect(new TestArchives().Dir("./").File("./test_app/appinfo/info.xml", TestArchives.InfoXml())).AppFolder);

    [Fact]
    public void A_member_with_dot_dot_is_refused() =>
        Assert.Contains("contains '..'", Refused(TestArchives.App().File("test_app/../../etc/cron.d/x", "boom")));

    [Fact]
    public void A_member_with_an_absolute_path_is_refused() =>
        Assert.Contains("/etc/passwd has an absolute path", Refused(TestArchives.App().File("/etc/passwd", "root")));

    [Theory]
    [InlineData("/etc/shadow")]
    [InlineData("../../../etc/shadow")]
    [InlineData("../../other_app/x")]
    public void A_symlink_pointing_outside_the_app_folder_is_refused(string target) =>
        Assert.Contains("outside the app folder", Refused(TestArchives.App().Link("test_app/evil", target)));

    [Fact]
    public void A_hard_link_to_another_top_folder_is_refused() =>
        Assert.Contains("outside the app folder", Refused(TestArchives.App().Link("test_app/evil", "etc/passwd", hard: true)));

    [Fact]
    public void A_link_on_the_way_to_info_xml_is_refused() =>
        Assert.Contains("Symlinks and hard links can not be used for test_app/appinfo",
            Refused(new TestArchives().Dir("test_app/").Dir("test_app/real/").File("test_app/real/info.xml", TestArchives.InfoXml())
                .Link("test_app/appinfo", "real")));

    [Fact]
    public void More_than_one_top_folder_is_refused() =>
        Assert.Contains("More than one possible app folder found: other, test_app",
            Refused(TestArchives.App().File("other/readme.txt", "hi")));

    [Fact]
    public void An_archive_without_info_xml_is_refused() =>
        Assert.Contains("Path test_app/appinfo/info.xml does not exist in package",
            Refused(new TestArchives().Dir("test_app/").File("test_app/README.md", "hi")));

    [Fact]
    public void An_info_xml_bigger_than_the_file_limit_is_refused() =>
        Assert.Contains("was bigger than allowed 4096 bytes",
            Refused(new TestArchives().File("test_app/appinfo/info.xml", new string('x', 5000))));

    [Fact]
    public void A_blacklisted_folder_is_refused() =>
        Assert.Contains("Directory test_app/.git is not allowed", Refused(TestArchives.App().File("test_app/.git/HEAD", "ref")));

    [Fact]
    public void A_top_folder_that_is_no_app_id_is_refused() =>
        Assert.Contains("App folder Test is not a valid app id", Refused(new TestArchives().File("Test/appinfo/info.xml", "x")));

    [Fact]
    public void A_file_that_is_not_gzip_is_refused()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "just text");
        try
        {
            var e = Assert.Throws<ReleaseCheckException>(() => ArchiveInspector.Inspect(path, "release.tar.gz", Limits, Blacklist));
            Assert.Contains("release.tar.gz is not a valid tar.gz archive", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void An_archive_unpacking_past_the_limit_is_refused()
    {
        var limits = new DownloadOptions { MaxDownloadFileSize = 4096, MaxUncompressedSize = 10_000 };
        var path = TestArchives.App().File("test_app/zeros.bin", new byte[20_000]).WriteTemp();
        try
        {
            var e = Assert.Throws<ReleaseCheckException>(() => ArchiveInspector.Inspect(path, "r.tar.gz", limits, Blacklist));
            Assert.Contains("unpacks to more than the allowed 10000 bytes", e.Message);
        }
        finally { File.Delete(path); }
    }
}
