using ExApps.Contracts;

namespace ExApps.Registry.Daemons;

/// <summary>Checks a daemon registration (docs/protocol.md §1) and answers field -> messages.</summary>
public static class DaemonValidator
{
    public static Dictionary<string, string[]> Validate(RegisterDaemonRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];

        if (string.IsNullOrWhiteSpace(r.Name))
            Add("name", "The daemon name must not be empty.");
        else if (r.Name.Length > 64)
            Add("name", $"The daemon name must be at most 64 characters, got {r.Name.Length}.");
        else if (r.Name.Any(char.IsControl))
            Add("name", "The daemon name must not contain control characters.");

        if (r.DisplayName is { Length: > 255 })
            Add("display_name", "The display name must be at most 255 characters.");

        if (r.AcceptsDeployId is not (AppApiProtocol.DockerInstall or AppApiProtocol.ManualInstall))
            Add("accepts_deploy_id", $"Unsupported deploy id \"{r.AcceptsDeployId}\": expected {AppApiProtocol.DockerInstall} or {AppApiProtocol.ManualInstall}.");

        if (r.Protocol is not ("http" or "https"))
            Add("protocol", $"Unsupported protocol \"{r.Protocol}\": expected http or https.");

        if (string.IsNullOrWhiteSpace(r.Host))
            Add("host", "The host must not be empty: a host:port or the absolute path of a Docker socket.");
        else if (r.Host.Contains("://", StringComparison.Ordinal))
            Add("host", $"The host \"{r.Host}\" must not start with a scheme such as http://: give host:port or a socket path.");

        if (string.IsNullOrWhiteSpace(r.NextcloudUrl))
            Add("nextcloud_url", "The Nextcloud URL must not be empty.");
        else if (!Uri.TryCreate(r.NextcloudUrl, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
            Add("nextcloud_url", $"The Nextcloud URL \"{r.NextcloudUrl}\" must be an absolute http(s) URL.");

        if (ComputeDevice.FromId(r.ComputeDevice) is null)
            Add("compute_device", $"Unknown compute device \"{r.ComputeDevice}\": expected cpu, cuda or rocm.");

        if (r.Net is not null && string.IsNullOrWhiteSpace(r.Net))
            Add("net", "The network must not be empty (default: host).");
        return errors;
    }
}
