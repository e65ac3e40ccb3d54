using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace ExApps.AppStore.Tests;

/// <summary>Builds tar.gz release archives in memory, good or deliberately broken.</summary>
public sealed class TestArchives
{
    private readonly List<TarEntry> _entries = [];

    public static string InfoXml(string id = "test_app", string version = "1.0.0", string exApp = DefaultExApp,
        string nextcloud = "<nextcloud min-version=\"30\" max-version=\"32\"/>") => $"""
        <?xml version="1.0"?>
        <info>
          <id>{id}</id>
          <name>Test App</name>
          <name lang="de">Test-App</name>
          <summary>Summary</summary>
          <description>Description</description>
          <version>{version}</version>
          <licence>agpl</licence>
          <author mail="dev@example.test" homepage="https://example.test">Dev</author>
          <category>tools</category>
          <dependencies>{nextcloud}</dependencies>
          {exApp}
        </info>
        """;

    public const string DefaultExApp = """
        <external-app>
          <docker-install><registry>localhost:5000</registry><image>exapps/test</image><image-tag>1.0.0</image-tag></docker-install>
          <scopes><required><value>FILES</value></required><optional><value>TALK</value></optional></scopes>
          <environment-variables><variable><name>MODE</name><display-name>Mode</display-name><description>How</description><default>fast</default></variable></environment-variables>
          <system>false</system>
        </external-app>
        """;

    public static TestArchives App(string id = "test_app", string version = "1.0.0") =>
        new TestArchives().Dir($"{id}/").Dir($"{id}/appinfo/").File($"{id}/appinfo/info.xml", InfoXml(id, version));

    public TestArchives File(string name, string text) => File(name, Encoding.UTF8.GetBytes(text));

    public TestArchives File(string name, byte[] data)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        return this;
    }

    public TestArchives Dir(string name)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.Directory, name));
        return this;
    }

    public TestArchives Link(string name, string target, bool hard = false)
    {
        _entries.Add(new PaxTarEntry(hard ? TarEntryType.HardLink : TarEntryType.SymbolicLink, name) { LinkName = target });
        return this;
    }

    public byte[] Build()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var e in _entries) tar.WriteEntry(e);
        return output.ToArray();
    }

    public string WriteTemp()
    {
        var path = Path.Combine(Path.GetTempPath(), $"appstore-test-{Guid.NewGuid():N}.tar.gz");
        System.IO.File.WriteAllBytes(path, Build());
        return path;
    }
}
