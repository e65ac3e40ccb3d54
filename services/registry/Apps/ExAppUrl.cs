using ExApps.Contracts;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;

namespace ExApps.Registry.Apps;

/// <summary>Where the platform reaches an ExApp (docs/protocol.md §3, "ExApp URL").</summary>
public static class ExAppUrl
{
    private static readonly HashSet<string> Unroutable = ["", "0.0.0.0", "::", "[::]", "127.0.0.1", "::1", "[::1]", "localhost"];

    public static string For(DaemonRow daemon, string appId, int port)
    {
        var config = daemon.Config();
        var overrideHost = config.AdditionalOptions.GetValueOrDefault("OVERRIDE_APP_HOST")?.Trim() ?? "";
        var scheme = daemon.Protocol;
        if (daemon.AcceptsDeployId == AppApiProtocol.ManualInstall)
        {
            var host = overrideHost.Length > 0 && overrideHost is not ("0.0.0.0" or "::") ? overrideHost : HostWithoutPort(daemon.Host);
            return $"{scheme}://{host}:{port}";
        }
        if (!Unroutable.Contains(overrideHost)) return $"{scheme}://{overrideHost}:{port}";
        if (config.Net == "host") return $"{scheme}://localhost:{port}";
        if (scheme == "https" && !daemon.Host.StartsWith('/')) return $"{scheme}://{HostWithoutPort(daemon.Host)}:{port}";
        return $"{scheme}://{appId}:{port}";
    }

    public static string HostWithoutPort(string host)
    {
        if (host.StartsWith('[')) return host[..(host.IndexOf(']') + 1)]; // [v6]:port
        var colon = host.LastIndexOf(':');
        return colon > 0 && host.IndexOf(':') == colon ? host[..colon] : host;
    }
}
