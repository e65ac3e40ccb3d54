namespace ExApps.Contracts;

/// <summary>The one ordering of ExApp versions every service uses (the update check, the EX-APP-VERSION raise,
/// the app store's newest release). Semantic-version precedence, lenient about the forms ExApps use:
/// <list type="bullet">
/// <item>a leading <c>v</c> is ignored, missing parts count as 0 (<c>1.2</c> = <c>1.2.0</c>), more than three
/// numeric parts are compared too, numbers by value (<c>1.10.0</c> &gt; <c>1.9.0</c>);</item>
/// <item>build metadata after <c>+</c> is ignored (<c>1.0.0+build5</c> = <c>1.0.0</c>);</item>
/// <item>a pre-release (after <c>-</c>, or letters glued to a number as in <c>1.2a</c>) is lower than its
/// release; pre-release identifiers compare dot by dot, numbers by value and below words, words in ASCII order,
/// and a shorter list is lower (<c>1.0.0-rc.1</c> &lt; <c>1.0.0-rc.2</c> &lt; <c>1.0.0</c>).</item>
/// </list></summary>
public static class ExAppVersion
{
    public static int Compare(string a, string b)
    {
        var (coreA, preA) = Parse(a);
        var (coreB, preB) = Parse(b);
        for (var i = 0; i < Math.Max(coreA.Count, coreB.Count); i++)
        {
            var c = At(coreA, i).CompareTo(At(coreB, i));
            if (c != 0) return Math.Sign(c);
        }
        if (preA.Count == 0 || preB.Count == 0) return preB.Count.CompareTo(preA.Count) switch { > 0 => 1, < 0 => -1, _ => 0 };
        for (var i = 0; i < Math.Min(preA.Count, preB.Count); i++)
        {
            var c = CompareIdentifier(preA[i], preB[i]);
            if (c != 0) return c;
        }
        return Math.Sign(preA.Count.CompareTo(preB.Count));
    }

    public static bool IsGreater(string candidate, string current) => Compare(candidate, current) > 0;

    public static bool AreEqual(string a, string b) => Compare(a, b) == 0;

    /// <summary>A pre-release (<c>1.0.0-rc1</c>, <c>1.2a</c>): the store's stable channel skips these.</summary>
    public static bool IsPreRelease(string version) => Parse(version).Pre.Count > 0;

    private static (List<long> Core, List<string> Pre) Parse(string version)
    {
        var v = version.Trim();
        if (v.Length > 0 && v[0] is 'v' or 'V') v = v[1..];
        var plus = v.IndexOf('+');
        if (plus >= 0) v = v[..plus];
        var dash = v.IndexOf('-');
        var pre = dash >= 0 ? v[(dash + 1)..] : "";
        var core = dash >= 0 ? v[..dash] : v;

        var numbers = new List<long>();
        var parts = core.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var digits = 0;
            while (digits < part.Length && char.IsAsciiDigit(part[digits])) digits++;
            numbers.Add(digits == 0 ? 0 : long.TryParse(part.AsSpan(0, Math.Min(digits, 18)), out var n) ? n : long.MaxValue);
            if (digits < part.Length)
            {
                // "1.2a" or "1.2beta.3": what follows the number is a pre-release of 1.2.
                var rest = string.Join('.', [part[digits..], .. parts[(i + 1)..]]);
                pre = pre.Length == 0 ? rest : rest + "." + pre;
                break;
            }
        }
        var identifiers = pre.Length == 0 ? [] : pre.Split('.', '-').Where(p => p.Length > 0).ToList();
        return (numbers, identifiers);
    }

    private static int CompareIdentifier(string a, string b)
    {
        var aNum = long.TryParse(a, out var x) && a.All(char.IsAsciiDigit);
        var bNum = long.TryParse(b, out var y) && b.All(char.IsAsciiDigit);
        if (aNum && bNum) return Math.Sign(x.CompareTo(y));
        if (aNum != bNum) return aNum ? -1 : 1;
        return Math.Sign(string.CompareOrdinal(a, b));
    }

    private static long At(List<long> parts, int i) => i < parts.Count ? parts[i] : 0;
}
