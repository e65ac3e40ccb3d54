using System.Globalization;

namespace ExApps.AppStore.Versioning;

/// <summary>The store's version specs: info.xml's inclusive <c>min-version</c>/<c>max-version</c> ("30", "30.1")
/// become a semantic spec with an exclusive maximum (<c>&gt;=30.0.0 &lt;36.0.0</c> for 30..35) plus the raw spec as
/// written (<c>&gt;=30 &lt;=35</c>); <c>*</c> means no bound. The feeds print clauses separated by spaces.</summary>
public static class VersionSpec
{
    public const string Any = "*";

    /// <summary>"30" -> "30.0.0", "30.1" -> "30.1.0"; empty -> "*".</summary>
    public static string PadMin(string? version)
    {
        if (string.IsNullOrWhiteSpace(version)) return Any;
        var parts = Parts(version);
        while (parts.Count < 3) parts.Add(0);
        return string.Join('.', parts);
    }

    /// <summary>Inclusive maximum to exclusive semantic version: "35" -> "36.0.0", "35.1" -> "35.2.0",
    /// "35.1.2" -> "35.1.3"; empty -> "*".</summary>
    public static string PadMax(string? version)
    {
        if (string.IsNullOrWhiteSpace(version)) return Any;
        var parts = Parts(version);
        parts[^1]++;
        while (parts.Count < 3) parts.Add(0);
        return string.Join('.', parts);
    }

    public static string Raw(string? version) => string.IsNullOrWhiteSpace(version) ? Any : version.Trim();

    public static string ToSpec(string min, string max) => (min, max) switch
    {
        (Any, Any) => Any,
        (_, Any) => $">={min}",
        (Any, _) => $"<{max}",
        _ => $">={min} <{max}",
    };

    public static string ToRawSpec(string min, string max) => (min, max) switch
    {
        (Any, Any) => Any,
        (_, Any) => $">={min}",
        (Any, _) => $"<={max}",
        _ => $">={min} <={max}",
    };

    /// <summary>Whether <paramref name="version"/> satisfies every clause of <paramref name="spec"/> (clauses
    /// separated by spaces or commas; operators &gt;=, &gt;, &lt;=, &lt;, ==, =, !=, or a bare version).</summary>
    public static bool Matches(SemVer version, string spec)
    {
        foreach (var clause in spec.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            if (clause == Any) continue;
            var op = clause.TakeWhile(ch => ch is '<' or '>' or '=' or '!').Count();
            var target = SemVer.Parse(clause[op..]);
            var c = version.CompareTo(target);
            var ok = clause[..op] switch
            {
                ">=" => c >= 0,
                ">" => c > 0,
                "<=" => c <= 0,
                "<" => c < 0,
                "!=" => c != 0,
                "" or "=" or "==" => c == 0,
                var other => throw new FormatException($"unknown operator '{other}' in version spec '{spec}'"),
            };
            if (!ok) return false;
        }
        return true;
    }

    private static List<int> Parts(string version)
    {
        var text = version.Trim().Split('.');
        if (text.Length > 3) throw new FormatException($"Could not parse version {version}");
        return text.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new FormatException($"Could not parse version {version}")).ToList();
    }
}
