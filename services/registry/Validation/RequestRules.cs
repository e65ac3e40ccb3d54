using ExApps.Registry.Apps;
using ExApps.ServiceDefaults.Security;

namespace ExApps.Registry.Validation;

/// <summary>The fields of an app registration besides its app info: daemon name, environment overrides and mounts.
/// Answers field -> messages (empty when all is well), for a 400 <c>invalid_input</c>.</summary>
public static class RequestRules
{
    public static Dictionary<string, string[]> Register(RegisterAppRequest req)
    {
        var errors = MountValidator.Validate(req.Mounts);
        if (req.Daemon is { } daemon && FieldRules.Text("daemon", daemon, InputLimits.DaemonName) is { } badDaemon)
            errors["daemon"] = [badDaemon];
        foreach (var (field, message) in Env(req.Env)) errors[field] = [message];
        return errors;
    }

    /// <summary><c>--env NAME=VALUE</c> overrides: a name the platform sets itself, or one that is not a plain
    /// variable name (<c>=</c>, line breaks), is refused rather than silently dropped.</summary>
    public static IEnumerable<(string Field, string Message)> Env(IReadOnlyDictionary<string, string>? env)
    {
        if (env is null) yield break;
        if (env.Count > InputLimits.EnvVars)
        {
            yield return ("env", $"At most {InputLimits.EnvVars} environment overrides, got {env.Count}.");
            yield break;
        }
        foreach (var (name, value) in env)
        {
            var field = SafeText.HasControl(name) || name.Length > InputLimits.EnvName ? "env" : $"env.{name}";
            if (FieldRules.EnvName(field, name) is { } badName) yield return (field, badName);
            else if (value is null) yield return (field, $"`{field}` must be a string.");
            else if (FieldRules.MultiLine(field, value, InputLimits.EnvValue) is { } badValue) yield return (field, badValue);
        }
    }
}
