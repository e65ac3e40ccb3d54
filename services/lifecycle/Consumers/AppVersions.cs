namespace ExApps.Lifecycle.Consumers;

/// <summary>Orders ExApp versions the way AppAPI's <c>version_compare</c> does for the usual forms: dotted numbers
/// compared as numbers (<c>1.10.0 &gt; 1.9.0</c>), missing parts count as 0, and a pre-release suffix
/// (<c>1.0.0-rc1</c>) is lower than the release.</summary>
public static class AppVersions
{
    public static bool IsGreater(string candidate, string current) => Compare(candidate, current) > 0;

    public static int Compare(string a, string b)
    {
        var (aCore, aSuffix) = Split(a);
        var (bCore, bSuffix) = Split(b);
        for (var i = 0; i < Math.Max(aCore.Length, bCore.Length); i++)
        {
            var c = Part(aCore, i).CompareTo(Part(bCore, i));
            if (c != 0) return c;
        }
        if (aSuffix == bSuffix) return 0;
        if (aSuffix.Length == 0) return 1;
        if (bSuffix.Length == 0) return -1;
        return string.CompareOrdinal(aSuffix, bSuffix);
    }

    private static (string[] Core, string Suffix) Split(string version)
    {
        var v = version.Trim().TrimStart('v', 'V');
        var dash = v.IndexOfAny(['-', '+']);
        return dash < 0 ? (v.Split('.'), "") : (v[..dash].Split('.'), v[dash..]);
    }

    private static long Part(string[] parts, int i) =>
        i < parts.Length && long.TryParse(parts[i], out var n) ? n : 0;
}
