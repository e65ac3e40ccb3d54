using ExApps.Contracts;

namespace ExApps.Deployer.Consumers;

/// <summary>Engine answers are not ours: if one ever echoed a secret, it must not reach a log or the status object.</summary>
public static class Redaction
{
    public static string Redact(string text, DeployRequested request) =>
        Redact(text, request.Secret, request.Daemon.HaproxyPassword);

    public static string Redact(string text, params Secret?[] secrets)
    {
        foreach (var secret in secrets)
            if (!string.IsNullOrEmpty(secret?.Value))
                text = text.Replace(secret.Value, "***", StringComparison.Ordinal);
        return text;
    }
}
