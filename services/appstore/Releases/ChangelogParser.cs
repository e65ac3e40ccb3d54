using System.Text.RegularExpressions;

namespace ExApps.AppStore.Releases;

/// <summary>Picks one version's section out of a "Keep a Changelog" file (<c>## [1.2.0]</c>, <c>## 1.2.0</c>,
/// <c>## v1.2</c>); nightlies and pre-releases take the <c>## [Unreleased]</c> section, as in the real store.</summary>
public static partial class ChangelogParser
{
    [GeneratedRegex(@"^## (?:\[)?(?:v)?(\d+\.\d+(\.\d+)?)")]
    private static partial Regex VersionHeading();

    [GeneratedRegex(@"^## \[Unreleased\]")]
    private static partial Regex UnreleasedHeading();

    public static string ForVersion(string changelog, string version, bool isNightly)
    {
        if (isNightly || version.Contains('-')) version = "Unreleased";
        var sections = new Dictionary<string, List<string>>();
        var current = "";
        foreach (var line in changelog.Trim().Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (VersionHeading().Match(line) is { Success: true } m) current = m.Groups[1].Value;
            else if (UnreleasedHeading().IsMatch(line)) current = "Unreleased";
            else
            {
                if (!sections.TryGetValue(current, out var lines)) sections[current] = lines = [];
                lines.Add(line);
            }
        }
        return sections.TryGetValue(version, out var found) ? string.Join('\n', found).Trim() : "";
    }
}
