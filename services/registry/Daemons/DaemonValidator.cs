using ExApps.Contracts;
using ExApps.Registry.Validation;
using ExApps.ServiceDefaults.Security;

namespace ExApps.Registry.Daemons;

/// <summary>Checks a daemon registration (docs/protocol.md §1) and answers field -> messages. Every value here becomes part of
/// a URL, a Docker API call or a container setting, so each is held to a safe pattern (docs/security.md).</summary>
public static class DaemonValidator
{
    public static Dictionary<string, string[]> Validate(RegisterDaemonRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];

        if (string.IsNullOrWhiteSpace(r.Name))
            Add("name", "The daemon name must not be empty.");
        else if (r.Name.Trim().Length > InputLimits.DaemonName)
            Add("name", $"The daemon name must be at most {InputLimits.DaemonName} characters, got {r.Name.Length}.");
        else if (SafeText.HasControl(r.Name))
            Add("name", "The daemon name must not contain control characters.");
        else if (!FieldRules.IsDaemonName(r.Name.Trim()))
            Add("name", $"The daemon name \"{r.Name.Trim()}\" must be letters, digits, '_', '.' or '-', starting with a letter or digit.");

        if (FieldRules.Text("display_name", r.DisplayName, InputLimits.DaemonDisplayName) is { } badDisplay)
            Add("display_name", badDisplay);

        if (r.AcceptsDeployId is not (AppApiProtocol.DockerInstall or AppApiProtocol.ManualInstall))
            Add("accepts_deploy_id", $"Unsupported deploy id \"{SafeText.ForLog(r.AcceptsDeployId, 40)}\": expected {AppApiProtocol.DockerInstall} or {AppApiProtocol.ManualInstall}.");

        if (r.Protocol is not ("http" or "https"))
            Add("protocol", $"Unsupported protocol \"{SafeText.ForLog(r.Protocol, 40)}\": expected http or https.");

        if (string.IsNullOrWhiteSpace(r.Host))
            Add("host", "The host must not be empty: a host:port or the absolute path of a Docker socket.");
        else if (r.Host.Contains("://", StringComparison.Ordinal))
            Add("host", $"The host \"{SafeText.ForLog(r.Host, 80)}\" must not start with a scheme such as http://: give host:port or a socket path.");
        else if (!FieldRules.IsDaemonHost(r.Host.Trim()))
            Add("host", $"The host \"{SafeText.ForLog(r.Host, 80)}\" must be host[:port] (a name, IPv4 or [IPv6] address) or an absolute socket path " +
                $"of letters, digits, '.', '_', '-' and '/' (no spaces, no dot segments), at most {InputLimits.DaemonHost} characters.");

        if (string.IsNullOrWhiteSpace(r.NextcloudUrl))
            Add("nextcloud_url", "The Nextcloud URL must not be empty.");
        else if (r.NextcloudUrl.Length > InputLimits.NextcloudUrl || r.NextcloudUrl.Trim().Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            Add("nextcloud_url", $"The Nextcloud URL must be at most {InputLimits.NextcloudUrl} characters without spaces or control characters.");
        else if (!Uri.TryCreate(r.NextcloudUrl.Trim(), UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
            Add("nextcloud_url", $"The Nextcloud URL \"{r.NextcloudUrl}\" must be an absolute http(s) URL.");

        if (!string.IsNullOrWhiteSpace(r.AutoRecover) && !DeployConfig.AutoRecoverPolicies.Contains(r.AutoRecover.Trim()))
            Add("auto_recover", $"Unknown auto_recover \"{SafeText.ForLog(r.AutoRecover, 40)}\": expected none, restart or redeploy.");
        if (ComputeDevice.FromId(r.ComputeDevice) is null)
            Add("compute_device", $"Unknown compute device \"{SafeText.ForLog(r.ComputeDevice, 40)}\": expected cpu, cuda or rocm.");

        if (r.Net is not null && string.IsNullOrWhiteSpace(r.Net))
            Add("net", "The network must not be empty (default: host).");
        else if (r.Net is not null && !FieldRules.IsNetwork(r.Net.Trim()))
            Add("net", $"The network \"{SafeText.ForLog(r.Net, 80)}\" must be a Docker network name (letters, digits, '_', '.', '-', " +
                $"or container:<name>), at most {InputLimits.Network} characters.");

        if (r.HaproxyPassword is { } password && (password.Length > InputLimits.HaproxyPassword || SafeText.HasControl(password)))
            Add("haproxy_password", $"The HaRP/socket proxy password must be at most {InputLimits.HaproxyPassword} characters without control characters.");
        return errors;
    }
}
