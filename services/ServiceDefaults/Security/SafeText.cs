using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace ExApps.ServiceDefaults.Security;

/// <summary>Checks for values that end up in HTTP headers, URLs, environment variables, PostgreSQL text or log
/// lines. Every service that takes input from outside (admin API, ExApps, info.xml) uses the same rules, so a value
/// one service accepts is never refused, or misread, by the next.</summary>
public static partial class SafeText
{
    /// <summary>AppAPI's <c>ex_apps.appid</c> is varchar(32); letters, digits, '_' and '-' (also safe in container
    /// names, URLs and headers).</summary>
    public const int MaxAppIdLength = 32;

    /// <summary>AppAPI's <c>ex_apps.version</c> is varchar(32).</summary>
    public const int MaxVersionLength = 32;

    public static bool IsAppId(string? value) => value is not null && AppIdPattern().IsMatch(value);

    /// <summary>A version travels as the EX-APP-VERSION header and the APP_VERSION variable: it starts with a
    /// letter or digit and holds only letters, digits and <c>. + ~ _ -</c> (every semver and PEP 440 form).</summary>
    public static bool IsVersion(string? value) => value is not null && VersionPattern().IsMatch(value);

    public const string VersionRule = "at most 32 characters: letters, digits and . + ~ _ - (starting with a letter or digit)";

    /// <summary>Any control character (C0 including NUL, CR, LF, ESC; DEL; C1).</summary>
    public static bool HasControl(string value) => HasControl(value.AsSpan());

    /// <summary>As <see cref="HasControl(string)"/>; vectorized and allocation-free (the proxy checks every path).</summary>
    public static bool HasControl(ReadOnlySpan<char> value) => value.IndexOfAny(Controls) >= 0;

    /// <summary>A control character other than tab, CR and LF (multi-line text such as descriptions).</summary>
    public static bool HasControlExceptLineBreaks(string value) =>
        value.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'));

    public static bool HasNul(string value) => value.Contains('\0');

    /// <summary>Characters that must never reach an HTTP header value: CR and LF split headers (request
    /// smuggling), NUL and the other controls are refused by peers or truncate values.</summary>
    public static bool IsHeaderSafe(string value) => IsHeaderSafe(value.AsSpan());

    public static bool IsHeaderSafe(ReadOnlySpan<char> value) => value.IndexOfAny(HeaderUnsafe) < 0;

    /// <summary>What <see cref="char.IsControl(char)"/> accepts: U+0000-U+001F and U+007F-U+009F.</summary>
    private static readonly SearchValues<char> Controls = SearchValues.Create(
        Enumerable.Range(0, 0xA0).Select(i => (char)i).Where(char.IsControl).ToArray());

    /// <summary>C0 controls except tab, and DEL.</summary>
    private static readonly SearchValues<char> HeaderUnsafe = SearchValues.Create(
        Enumerable.Range(0, 0x80).Select(i => (char)i).Where(c => c < 0x20 && c != '\t' || c == 0x7f).ToArray());

    /// <summary>Makes text from outside safe for a single log line: control characters (ANSI escapes, CR, LF that
    /// would forge lines), Unicode format characters (bidi overrides) and line separators become visible escapes
    /// such as <c>\u001b</c>, and the text is cut at <paramref name="maxLength"/> characters.</summary>
    public static string ForLog(string? value, int maxLength = 2048)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var sb = new StringBuilder(Math.Min(value.Length, maxLength) + 16);
        foreach (var c in value)
        {
            if (sb.Length >= maxLength)
            {
                sb.Append("…(").Append(value.Length).Append(" chars)");
                break;
            }
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\\': sb.Append("\\\\"); break;
                default:
                    var category = char.GetUnicodeCategory(c);
                    if (char.IsControl(c) || category is System.Globalization.UnicodeCategory.Format
                            or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator)
                        sb.Append("\\u").Append(((int)c).ToString("x4"));
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Control characters (other than tab and line breaks when <paramref name="keepLineBreaks"/>) become
    /// visible <c>\u001b</c> escapes: for stored text a terminal will show later (status errors).</summary>
    public static string EscapeControls(string value, bool keepLineBreaks = true)
    {
        if (!value.Any(char.IsControl)) return value;
        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (char.IsControl(c) && !(keepLineBreaks && c is '\t' or '\n' or '\r')) sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,32}\z")]
    private static partial Regex AppIdPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9.+~_-]{0,31}\z")]
    private static partial Regex VersionPattern();
}
