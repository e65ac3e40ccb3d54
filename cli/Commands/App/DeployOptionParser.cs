using ExApps.Cli.Api;

namespace ExApps.Cli.Commands.App;

/// <summary>
/// <c>--env NAME=VALUE</c> and <c>--mount SRC:DST[:ro|rw]</c> (docs/protocol.md §2.3). AppAPI silently drops values it cannot
/// split; here a malformed value is an error, so a typo never deploys an app without the mount it needed.
/// </summary>
public static class DeployOptionParser
{
    public static Dictionary<string, string> ParseEnv(IEnumerable<string> values)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var eq = value.IndexOf('=');
            if (eq <= 0)
                throw new CliException($"Invalid --env value \"{value}\": expected NAME=VALUE.");
            // The value keeps any further '=' (AppAPI splits once too); a later --env of the same name wins.
            env[value[..eq]] = value[(eq + 1)..];
        }
        return env;
    }

    public static List<MountSpec> ParseMounts(IEnumerable<string> values) => values.Select(ParseMount).ToList();

    public static MountSpec ParseMount(string value)
    {
        var parts = value.Split(':', 3);
        if (parts.Length < 2 || parts[0].Length == 0 || parts[1].Length == 0)
            throw new CliException($"Invalid --mount value \"{value}\": expected SRC:DST or SRC:DST:ro|rw.");
        var mode = parts.Length == 3 ? parts[2] : "rw";
        if (mode is not ("ro" or "rw"))
            throw new CliException($"Invalid --mount mode \"{mode}\" in \"{value}\": expected ro or rw.");
        return new MountSpec(parts[0], parts[1], mode);
    }
}
