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
        var current = rawPath;
        for (var round = 0; round <= MaxDecodeRounds; round++)
        {
            if (current.Split('/', '\\').Any(s => s.Trim() == ".." )) return true;
            var next = Uri.UnescapeDataString(current);
            if (next == current) return false;
            current = next;
        }
        // Still changing after several rounds of decoding: nobody needs that; treat it as an attack.
        return true;
    }
}
