using ExApps.Registry.Validation;
using ExApps.ServiceDefaults.Security;

namespace ExApps.Registry.Apps;

public static class MountValidator
{
    public static Dictionary<string, string[]> Validate(IReadOnlyList<MountDto>? mounts)
    {
        var errors = new Dictionary<string, string[]>();
        if (mounts is { Count: > InputLimits.Mounts })
        {
            errors["mounts"] = [$"At most {InputLimits.Mounts} mounts, got {mounts.Count}."];
            return errors;
        }
        for (var i = 0; i < (mounts?.Count ?? 0); i++)
        {
            var m = mounts![i];
            if (m is null)
            {
                errors[$"mounts[{i}]"] = [$"Mount {i} must be an object {{source, target, mode}}."];
                continue;
            }
            if (Path(m.Source) is { } s) errors[$"mounts[{i}].source"] = [$"Mount {i}: the source \"{SafeText.ForLog(m.Source, 80)}\" must be an absolute host path{s}."];
            if (Path(m.Target) is { } t) errors[$"mounts[{i}].target"] = [$"Mount {i}: the target \"{SafeText.ForLog(m.Target, 80)}\" must be an absolute container path{t}."];
            if (m.Mode is not ("ro" or "rw"))
                errors[$"mounts[{i}].mode"] = [$"Mount {i}: the mode \"{SafeText.ForLog(m.Mode, 20)}\" must be ro or rw."];
        }
        return errors;
    }

    /// <summary>Null for a good path, else what is wrong with it (appended to the message).</summary>
    private static string? Path(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/')) return "";
        if (path.Length > InputLimits.MountPath) return $" of at most {InputLimits.MountPath} characters";
        if (SafeText.HasControl(path)) return " without NUL or other control characters";
        return null;
    }
}
