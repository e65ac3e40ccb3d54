namespace ExApps.Gateway.Proxy;

/// <summary>Header rules of the proxy (docs/protocol.md §6).</summary>
public static class ExAppHeaders
{
    /// <summary>AppAPI's own headers: never taken from the client (the gateway sets them), never returned to it.</summary>
    public static readonly string[] AppApiNames = ["aa-version", "ex-app-id", "ex-app-version", "authorization-app-api", "aa-request-id"];

    /// <summary><see cref="AppApiNames"/> as a set (header names are case-insensitive).</summary>
    public static readonly HashSet<string> AppApi = new(AppApiNames, StringComparer.OrdinalIgnoreCase);

    public const string OriginIp = "x-origin-ip";
}
