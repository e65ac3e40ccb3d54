namespace ExApps.Registry.Apps;

public static class MountValidator
{
    public static Dictionary<string, string[]> Validate(IReadOnlyList<MountDto>? mounts)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < (mounts?.Count ?? 0); i++)
        {
            var m = mounts![i];
            if (string.IsNullOrWhiteSpace(m.Source) || !m.Source.StartsWith('/'))
                errors[$"mounts[{i}].source"] = [$"Mount {i}: the source \"{m.Source}\" must be an absolute host path."];
            if (string.IsNullOrWhiteSpace(m.Target) || !m.Target.StartsWith('/'))
                errors[$"mounts[{i}].target"] = [$"Mount {i}: the target \"{m.Target}\" must be an absolute container path."];
            if (m.Mode is not ("ro" or "rw"))
                errors[$"mounts[{i}].mode"] = [$"Mount {i}: the mode \"{m.Mode}\" must be ro or rw."];
        }
        return errors;
    }
}
