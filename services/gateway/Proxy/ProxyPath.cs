using System.Text.RegularExpressions;
using ExApps.ServiceDefaults.Security;

namespace ExApps.Gateway.Proxy;

/// <summary>Rules for the path of a proxied request, applied to what follows <c>{prefix}/{appId}</c> before the
/// route ACL sees it. The ACL must judge the path the ExApp will act on, and servers disagree on the ambiguous
/// parts of a path: a Java server strips <c>;params</c> and resolves the dot segments left behind
/// (<c>/static/..;/admin</c> is its <c>/admin</c>), others decode <c>%2F</c> into a separator or a second round of
/// percent-encoding, and a regex's <c>$</c> matches before a final newline (<c>/public%0a</c> matches
/// <c>^/public$</c>). So every such form is refused, and the ACL matches the once-decoded path that is left, which
/// then means the same thing to every server. Refused: <c>;</c> (also <c>%3B</c>), dot segments (<c>.</c>,
/// <c>..</c>) in any encoding, empty segments (<c>//</c>), back slashes and encoded slashes (<c>%2F</c>,
/// <c>%5C</c>), control characters (<c>%00</c>-<c>%1F</c>, <c>%7F</c>), and a percent-encoding left after decoding.</summary>
public static partial class ProxyPath
{
    /// <summary>The decoded path for the ACL ("/" + ...), or null with the reason in <paramref name="reason"/>.
    /// Allocation-free for a plain path (no percent-encoding), which is what nearly every request has.</summary>
    public static string? Normalize(string rawRest, out string reason)
    {
        reason = "";
        var raw = rawRest.Length == 0 ? "/" : rawRest;
        if (!raw.StartsWith('/')) raw = "/" + raw;
        if (PathGuard.HasTraversal(raw)) return Refuse("a `..` segment", out reason);
        if (raw.Contains(';')) return Refuse("a path parameter (`;`)", out reason);
        if (raw.Contains('\\')) return Refuse("a back slash", out reason);
        var encoded = raw.Contains('%');
        if (encoded && EncodedSeparator().IsMatch(raw)) return Refuse("an encoded slash, back slash or `;` (%2F, %5C, %3B)", out reason);
        var decoded = encoded ? Uri.UnescapeDataString(raw) : raw;
        if (SafeText.HasControl(decoded)) return Refuse("a control character (such as %0A)", out reason);
        if (encoded && PercentEncoding().IsMatch(decoded)) return Refuse("a double percent-encoding (such as %252e)", out reason);
        var segments = decoded.AsSpan(1);
        while (true)
        {
            var slash = segments.IndexOf('/');
            var segment = slash < 0 ? segments : segments[..slash];
            if (segment is "." or "..") return Refuse("a dot segment", out reason);
            if (slash < 0) break;
            if (segment.Length == 0) return Refuse("an empty segment (`//`)", out reason);
            segments = segments[(slash + 1)..];
        }
        return decoded;
    }

    private static string? Refuse(string what, out string reason)
    {
        reason = $"The proxied path is refused: it holds {what}, which servers read in different ways.";
        return null;
    }

    [GeneratedRegex("%(2[fF]|5[cC]|3[bB])")]
    private static partial Regex EncodedSeparator();

    [GeneratedRegex("%[0-9A-Fa-f]{2}")]
    private static partial Regex PercentEncoding();
}
