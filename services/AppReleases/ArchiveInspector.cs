using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace ExApps.AppReleases;

/// <summary>What the store (and the platform) read out of a release archive: the single top folder (the app id), its
/// <c>appinfo/info.xml</c> and changelogs (<c>CHANGELOG.md</c>, <c>CHANGELOG.&lt;lang&gt;.md</c>).</summary>
public sealed record ArchiveContents(string AppFolder, string InfoXml, IReadOnlyDictionary<string, string> Changelogs);

/// <summary>Reads a tar.gz release archive without unpacking it to disk, refusing what the real store refuses
/// (several top folders, links on the way to info.xml, blacklisted folders, oversized files) and, beyond it, any
/// member that could escape the app folder when unpacked: absolute paths, <c>..</c>, links pointing outside,
/// devices.</summary>
public static partial class ArchiveInspector
{
    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    public static partial Regex AppIdPattern();

    [GeneratedRegex(@"^CHANGELOG\.([a-zA-Z_]{2,10})\.md$")]
    private static partial Regex TranslatedChangelog();

    public static ArchiveContents Inspect(string path, string displayName, DownloadOptions limits,
        IReadOnlyDictionary<string, string> folderBlacklist)
    {
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        if (file.Read(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b)
            throw new ReleaseCheckException($"{displayName} is not a valid tar.gz archive (not gzip-compressed)");
        file.Position = 0;
        try
        {
            return Read(file, limits, folderBlacklist);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            throw new ReleaseCheckException($"{displayName} is not a valid tar.gz archive: {e.Message}");
        }
    }

    private static ArchiveContents Read(Stream file, DownloadOptions limits, IReadOnlyDictionary<string, string> blacklist)
    {
        var rules = blacklist.Select(r => (r.Key, Regex: new Regex(r.Value))).ToList();
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var tops = new SortedSet<string>(StringComparer.Ordinal);
        var links = new HashSet<string>(StringComparer.Ordinal);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        long unpacked = 0;
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes) continue;
            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            name = name.TrimEnd('/');
            if (name.Length == 0 || name == ".") continue;
            if (name.StartsWith('/') || name.Contains('\\'))
                throw new ReleaseCheckException($"Archive member {entry.Name} has an absolute path");
            var segments = name.Split('/');
            if (segments.Contains(".."))
                throw new ReleaseCheckException($"Archive member {entry.Name} contains '..'");
            tops.Add(segments[0]);
            unpacked += entry.Length;
            if (unpacked > limits.MaxUncompressedSize)
                throw new ReleaseCheckException($"Archive unpacks to more than the allowed {limits.MaxUncompressedSize} bytes");

            for (var depth = 1; depth <= segments.Length; depth++)
            {
                var isDir = depth < segments.Length || entry.EntryType == TarEntryType.Directory;
                if (!isDir) continue;
                var dir = string.Join('/', segments[..depth]);
                foreach (var (rule, regex) in rules)
                    if (regex.IsMatch(dir))
                        throw new ReleaseCheckException($"Blacklist rule \"{rule}\": Directory {dir} is not allowed to be present in the app archive");
            }

            switch (entry.EntryType)
            {
                case TarEntryType.SymbolicLink:
                case TarEntryType.HardLink:
                    CheckLink(entry, name, segments);
                    links.Add(name);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    if (IsWanted(segments)) files[name] = ReadText(entry, name, limits.MaxDownloadFileSize);
                    break;
                case TarEntryType.Directory:
                    break;
                default:
                    throw new ReleaseCheckException($"Archive member {entry.Name} is a {entry.EntryType} entry; only files, folders and links inside the app folder are allowed");
            }
        }

        if (tops.Count == 0)
            throw new ReleaseCheckException("No possible app folder found. The archive is empty.");
        if (tops.Count > 1)
            throw new ReleaseCheckException($"More than one possible app folder found: {string.Join(", ", tops)} (the archive must hold exactly one top folder named after the app id)");
        var app = tops.Min!;
        if (!AppIdPattern().IsMatch(app))
            throw new ReleaseCheckException($"App folder {app} is not a valid app id: it must start with a lowercase ASCII letter and contain only lowercase ASCII letters, digits, underscores or hyphens");

        var infoPath = $"{app}/appinfo/info.xml";
        foreach (var prefix in new[] { app, $"{app}/appinfo", infoPath })
            if (links.Contains(prefix))
                throw new ReleaseCheckException($"Symlinks and hard links can not be used for {prefix}");
        if (!files.TryGetValue(infoPath, out var info))
            throw new ReleaseCheckException($"Path {infoPath} does not exist in package");

        var changelogs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, text) in files)
        {
            var rest = path[(app.Length + 1)..];
            if (rest == "CHANGELOG.md") changelogs["en"] = text;
            else if (TranslatedChangelog().Match(rest) is { Success: true } m) changelogs[m.Groups[1].Value] = text;
        }
        return new ArchiveContents(app, info, changelogs);
    }

    /// <summary>A link must resolve inside its own top folder: no absolute target, no way up past it.</summary>
    private static void CheckLink(TarEntry entry, string name, string[] segments)
    {
        var target = entry.LinkName;
        if (string.IsNullOrEmpty(target) || target.StartsWith('/'))
            throw new ReleaseCheckException($"Archive member {name} links to {target}, outside the app folder");
        // Symbolic links are relative to their own folder, hard links to the archive root.
        var resolved = entry.EntryType == TarEntryType.SymbolicLink ? segments[..^1].ToList() : [];
        foreach (var part in target.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (resolved.Count == 0) throw new ReleaseCheckException($"Archive member {name} links to {target}, outside the app folder");
                resolved.RemoveAt(resolved.Count - 1);
            }
            else resolved.Add(part);
        }
        if (resolved.Count == 0 || resolved[0] != segments[0])
            throw new ReleaseCheckException($"Archive member {name} links to {target}, outside the app folder");
    }

    private static bool IsWanted(string[] segments) =>
        (segments.Length == 3 && segments[1] == "appinfo" && segments[2] == "info.xml")
        || (segments.Length == 2 && segments[1].StartsWith("CHANGELOG", StringComparison.Ordinal) && segments[1].EndsWith(".md", StringComparison.Ordinal));

    private static string ReadText(TarEntry entry, string name, long max)
    {
        if (entry.Length > max) throw new ReleaseCheckException($"file {name} was bigger than allowed {max} bytes");
        if (entry.DataStream is null) return "";
        using var buffer = new MemoryStream();
        entry.DataStream.CopyTo(buffer);
        try
        {
            return new UTF8Encoding(false, true).GetString(buffer.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new ReleaseCheckException($"file {name} is not UTF-8 text");
        }
    }
}
