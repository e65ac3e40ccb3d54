namespace ExApps.Registry.Apps;

/// <summary>Compares app versions the way PHP's version_compare orders the usual forms: numeric parts by value
/// (1.10 > 1.9), missing parts as 0 (1.0 == 1.0.0), and a pre-release below its release (1.0.0-beta < 1.0.0).</summary>
public static class AppVersion
{
    public static int Compare(string a, string b)
    {
        var (coreA, preA) = Split(a);
        var (coreB, preB) = Split(b);
        for (var i = 0; i < Math.Max(coreA.Length, coreB.Length); i++)
        {
            var c = Part(coreA, i).CompareTo(Part(coreB, i));
            if (c != 0) return c;
        }
        if (preA.Length == 0 || preB.Length == 0) return preB.Length.CompareTo(preA.Length) switch { > 0 => 1, < 0 => -1, _ => 0 };
        return string.CompareOrdinal(preA, preB) switch { > 0 => 1, < 0 => -1, _ => 0 };
    }

    public static bool IsGreater(string candidate, string current) => Compare(candidate, current) > 0;

    private static (long[] Core, string Pre) Split(string version)
    {
        var v = version.Trim().TrimStart('v', 'V');
        var dash = v.IndexOfAny(['-', '+']);
        var pre = dash >= 0 && v[dash] == '-' ? v[(dash + 1)..] : "";
        var core = dash >= 0 ? v[..dash] : v;
        return (core.Split('.').Select(p => long.TryParse(new string(p.TakeWhile(char.IsDigit).ToArray()), out var n) ? n : 0).ToArray(), pre);
    }

    private static long Part(long[] parts, int i) => i < parts.Length ? parts[i] : 0;
}
