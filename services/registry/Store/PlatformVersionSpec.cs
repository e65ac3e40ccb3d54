using System.Text.RegularExpressions;
using ExApps.Contracts;

namespace ExApps.Registry.Store;

/// <summary>Whether a store release suits the platform's Nextcloud version, as Nextcloud's app fetcher decides it:
/// the release's <c>rawPlatformVersionSpec</c> (info.xml's inclusive bounds as written: <c>&gt;=30 &lt;=32</c>, or
/// <c>*</c>), each bound compared on as many parts as it has (<c>&lt;=32</c> admits 32.0.4, <c>&gt;=30.1</c> needs
/// 30.1 or later); a release without one falls back to <c>platformVersionSpec</c> (<c>&gt;=30.0.0 &lt;33.0.0</c>).
/// Versions compare with <see cref="ExAppVersion"/>. A spec that cannot be read matches nothing.</summary>
public static partial class PlatformVersionSpec
{
    [GeneratedRegex(@"^(>=|<=|>|<|==|=)?([0-9]+(?:\.[0-9]+)*)$")]
    private static partial Regex Clause();

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+$")]
    private static partial Regex ServerVersion();

    /// <summary>A Nextcloud version as the platform claims it: <c>X.Y.Z</c>.</summary>
    public static bool IsServerVersion(string version) => ServerVersion().IsMatch(version);

    public static bool Matches(string nextcloudVersion, string? rawSpec, string? spec, bool ignoreMax)
    {
        var text = string.IsNullOrWhiteSpace(rawSpec) ? spec : rawSpec;
        if (string.IsNullOrWhiteSpace(text)) return false;
        foreach (var clause in text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            if (clause == "*") continue;
            var m = Clause().Match(clause);
            if (!m.Success) return false;
            var op = m.Groups[1].Value;
            if (ignoreMax && op is "<=" or "<") continue;
            var bound = m.Groups[2].Value;
            var c = ExAppVersion.Compare(Truncate(nextcloudVersion, bound.Split('.').Length), bound);
            var ok = op switch
            {
                ">=" => c >= 0,
                ">" => c > 0,
                "<=" => c <= 0,
                "<" => c < 0,
                _ => c == 0,
            };
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>"32.0.4" on 1 part is "32": a bound of one part compares the major version only.</summary>
    private static string Truncate(string version, int parts) => string.Join('.', version.Split('.').Take(parts));
}
