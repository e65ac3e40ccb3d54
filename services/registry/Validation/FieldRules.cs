using System.Text.RegularExpressions;
using ExApps.ServiceDefaults.Security;

namespace ExApps.Registry.Validation;

/// <summary>Patterns of the values that become container names, Docker API parameters, environment variables,
/// HTTP headers or URLs. Each <c>*Problem</c> method answers null for a good value, or a message naming the field.</summary>
public static partial class FieldRules
{
    /// <summary>The variables the deployer sets itself (docs/protocol.md §3 step 4): an app may not declare or override them.</summary>
    public static readonly HashSet<string> ReservedEnvNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "AA_VERSION", "APP_SECRET", "APP_ID", "APP_DISPLAY_NAME", "APP_VERSION", "APP_HOST", "APP_PORT",
        "APP_PERSISTENT_STORAGE", "NEXTCLOUD_URL", "COMPUTE_DEVICE", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES",
    };

    /// <summary>A one-line display text: bounded, no control characters.</summary>
    public static string? Text(string field, string? value, int max)
    {
        if (value is null) return null;
        if (value.Length > max) return $"`{field}` must be at most {max} characters, got {value.Length}.";
        if (SafeText.HasNul(value)) return $"`{field}` must not contain NUL characters.";
        if (SafeText.HasControl(value)) return $"`{field}` must not contain control characters (line breaks, escapes).";
        return null;
    }

    /// <summary>Multi-line text (descriptions, variable values): bounded, no NUL, no controls but tab and line breaks.</summary>
    public static string? MultiLine(string field, string? value, int max)
    {
        if (value is null) return null;
        if (value.Length > max) return $"`{field}` must be at most {max} characters, got {value.Length}.";
        if (SafeText.HasNul(value)) return $"`{field}` must not contain NUL characters.";
        if (SafeText.HasControlExceptLineBreaks(value)) return $"`{field}` must not contain control characters other than tabs and line breaks.";
        return null;
    }

    public static string? Version(string field, string? value) =>
        SafeText.IsVersion(value) ? null : $"`{field}` \"{SafeText.ForLog(value, 40)}\" is not a valid version: {SafeText.VersionRule}.";

    /// <summary>POSIX portable names (letters, digits, '_', not starting with a digit), none of the platform's own.</summary>
    public static string? EnvName(string field, string? name)
    {
        if (name is null || !EnvNamePattern().IsMatch(name))
            return $"`{field}`: the variable name \"{SafeText.ForLog(name, 40)}\" must be 1-{InputLimits.EnvName} letters, digits or '_', not starting with a digit.";
        if (ReservedEnvNames.Contains(name))
            return $"`{field}`: {name} is set by the platform itself (AppAPI's variables {string.Join(", ", ReservedEnvNames.Order())}) and cannot be declared or overridden.";
        return null;
    }

    /// <summary>Daemon names end up in URLs and container labels: letters, digits, '_', '.', '-', starting with a
    /// letter or digit (so never "." or "..").</summary>
    public static bool IsDaemonName(string? name) => name is not null && DaemonNamePattern().IsMatch(name);

    /// <summary>A Docker network: its name, or <c>container:&lt;name&gt;</c>.</summary>
    public static bool IsNetwork(string? net) => net is not null && NetworkPattern().IsMatch(net);

    /// <summary>host[:port] (name, IPv4 or [IPv6]), or the absolute path of a socket without spaces or dot segments.</summary>
    public static bool IsDaemonHost(string? host)
    {
        if (host is null || host.Length > InputLimits.DaemonHost) return false;
        if (host.StartsWith('/'))
            return SocketPathPattern().IsMatch(host) && !host.Split('/').Any(s => s is "." or "..");
        return HostPortPattern().IsMatch(host);
    }

    public static bool IsImageRegistry(string? v) => v is { Length: <= InputLimits.ImageRegistry } && RegistryPattern().IsMatch(v);
    public static bool IsImageName(string? v) => v is { Length: <= InputLimits.ImageName } && ImagePattern().IsMatch(v);
    public static bool IsImageTag(string? v) => v is not null && TagPattern().IsMatch(v);

    /// <summary>An HTTP header name (RFC 9110 token).</summary>
    public static bool IsHeaderName(string? v) => v is { Length: > 0 and <= 128 } && TokenPattern().IsMatch(v);

    /// <summary>An HTTP method (letters only).</summary>
    public static bool IsMethod(string? v) => v is { Length: > 0 and <= 16 } && MethodPattern().IsMatch(v);

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]{0,127}\z")]
    private static partial Regex EnvNamePattern();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\z")]
    private static partial Regex DaemonNamePattern();

    [GeneratedRegex(@"\A(container:)?[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex NetworkPattern();

    [GeneratedRegex(@"\A/[A-Za-z0-9._/-]*\z")]
    private static partial Regex SocketPathPattern();

    [GeneratedRegex(@"\A([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?\z")]
    private static partial Regex HostPortPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?\z")]
    private static partial Regex RegistryPattern();

    /// <summary>Docker's repository path: lower-case components separated by '/', each with '.', '_' or '-' inside.</summary>
    [GeneratedRegex(@"\A[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*\z")]
    private static partial Regex ImagePattern();

    [GeneratedRegex(@"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\A[!#$%&'*+.^_`|~0-9A-Za-z-]+\z")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"\A[A-Za-z]+\z")]
    private static partial Regex MethodPattern();
}
