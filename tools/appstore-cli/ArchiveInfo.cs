using System.Formats.Tar;
using System.IO.Compression;
using System.Xml.Linq;

namespace ExApps.AppStore.Cli;

/// <summary>The app id and version of a release archive, read from its <c>&lt;appid&gt;/appinfo/info.xml</c>, so
/// that the store can refuse a download link that serves another app or version than the one signed.</summary>
public static class ArchiveInfo
{
    public static (string AppId, string Version) Read(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                var parts = entry.Name.TrimStart('.', '/').Split('/');
                if (parts.Length != 3 || parts[1] != "appinfo" || parts[2] != "info.xml" || entry.DataStream is null) continue;
                var root = XElement.Load(entry.DataStream);
                return ((string?)root.Element("id") ?? "", (string?)root.Element("version") ?? "");
            }
        }
        catch (Exception e) when (e is InvalidDataException or System.Xml.XmlException or EndOfStreamException)
        {
            throw new CliException($"{path} is not a tar.gz archive with a readable appinfo/info.xml: {e.Message}");
        }
        throw new CliException($"{path} holds no <appid>/appinfo/info.xml");
    }
}
