namespace ExApps.Gateway.Proxy;

/// <summary>Path traversal detection for the proxy route (docs/protocol.md §6): a <c>..</c> segment in any form — literal,
/// percent-encoded (<c>%2e%2e</c>), double-encoded (<c>%252e</c>), or split by an encoded or back slash — is
/// refused. Checked on the raw request target, because Kestrel resolves dot segments before routing and would
/// otherwise hand the request to another app.</summary>
public static class PathGuard
{
    private const int MaxDecodeRounds = 4;

    public static bool HasTraversal(string rawPath)
    {
        // Without a '%' decoding changes nothing, so one look at the segments decides (every proxied request
        // takes this path, without allocating).
        if (!rawPath.Contains('%')) return HasDotDotSegment(rawPath);
        var current = rawPath;
        for (var round = 0; round <= MaxDecodeRounds; round++)
        {
            if (HasDotDotSegment(current)) return true;
            var next = Uri.UnescapeDataString(current);
            if (next == current) return false;
            current = next;
        }
        // Still changing after several rounds of decoding: nobody needs that; treat it as an attack.
        return true;
    }

    /// <summary>A segment (between '/' or '\') that is <c>..</c> once surrounding white space is trimmed.</summary>
    private static bool HasDotDotSegment(ReadOnlySpan<char> path)
    {
        if (!path.Contains("..", StringComparison.Ordinal)) return false;
        foreach (var range in path.SplitAny('/', '\\'))
            if (path[range].Trim() is "..") return true;
        return false;
    }
}
