using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace ExApps.EndToEnd.Tests.Store;

/// <summary>Release archives of the test ExApp (tests/fixtures/test-exapp.xml under another id and version), as a
/// developer makes them, and hostile ones that no honest store would list.</summary>
public static class TestReleases
{
    /// <summary>The manifest for <paramref name="appId"/> <paramref name="version"/>, running the test image tagged
    /// <paramref name="imageTag"/> (the version by default), for Nextcloud <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static string InfoXml(string appId, string version, string? imageTag = null, string min = "30", string max = "35") =>
        File.ReadAllText(RepoPaths.Fixture("test-exapp.xml"))
            .Replace("<id>test-exapp</id>", $"<id>{appId}</id>")
            .Replace("<version>1.0.0</version>", $"<version>{version}</version>")
            .Replace("<image-tag>1.0.0</image-tag>", $"<image-tag>{imageTag ?? version}</image-tag>")
            .Replace("<nextcloud min-version=\"30\" max-version=\"35\"/>", $"<nextcloud min-version=\"{min}\" max-version=\"{max}\"/>");

    /// <summary><c>tar -czf</c> of a folder <c>&lt;appid&gt;/appinfo/info.xml</c>, plus <paramref name="paddingBytes"/>
    /// random bytes in <c>&lt;appid&gt;/data.bin</c> (gzip cannot shrink them) and an <paramref name="extra"/> file
    /// when given; returns the archive's path.</summary>
    public static async Task<string> BuildAsync(string dir, string appId, string version, string? infoXml = null,
        int paddingBytes = 0, string? extra = null)
    {
        var work = Path.Combine(dir, "build", $"{appId}-{version}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(work, appId, "appinfo"));
        await File.WriteAllTextAsync(Path.Combine(work, appId, "appinfo", "info.xml"), infoXml ?? InfoXml(appId, version));
        if (paddingBytes > 0) await File.WriteAllBytesAsync(Path.Combine(work, appId, "data.bin"), RandomNumberGenerator.GetBytes(paddingBytes));
        if (extra is not null) await File.WriteAllTextAsync(Path.Combine(work, appId, "README.md"), extra);
        var archive = Path.Combine(dir, $"{appId}-{version}-{Guid.NewGuid():N}.tar.gz");
        var tar = await ProcessRunner.RunAsync("tar", ["-C", work, "-czf", archive, appId]);
        if (tar.ExitCode != 0) throw new InvalidOperationException($"tar failed: {tar}");
        return archive;
    }

    public const string DotDot = "dotdot";
    public const string Absolute = "absolute";
    public const string NoInfoXml = "no-info-xml";

    /// <summary>An archive of <paramref name="appId"/> <paramref name="version"/> with a member that would land
    /// outside the app folder when unpacked (<see cref="DotDot"/>, <see cref="Absolute"/>) or without its info.xml
    /// (<see cref="NoInfoXml"/>).</summary>
    public static string Hostile(string dir, string appId, string version, string kind)
    {
        var entries = new List<(string Name, string? Text)> { ($"{appId}/", null), ($"{appId}/appinfo/", null) };
        entries.Add(kind == NoInfoXml ? ($"{appId}/README.md", "no manifest here") : ($"{appId}/appinfo/info.xml", InfoXml(appId, version)));
        entries.Add(kind switch
        {
            DotDot => ($"{appId}/../escaped.txt", "outside the app folder"),
            Absolute => ("/tmp/escaped.txt", "outside the app folder"),
            _ => ($"{appId}/LICENSE", "agpl"),
        });
        var path = Path.Combine(dir, $"{appId}-{kind}-{Guid.NewGuid():N}.tar.gz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            foreach (var (name, text) in entries)
                tar.WriteEntry(text is null
                    ? new PaxTarEntry(TarEntryType.Directory, name)
                    : new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        return path;
    }
}
