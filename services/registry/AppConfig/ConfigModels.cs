namespace ExApps.Registry.AppConfig;

/// <summary><c>POST .../config</c> (and <c>.../preferences/{userId}</c>): AppAPI's setAppConfigValue arguments.
/// <see cref="Sensitive"/> null keeps the stored flag of an existing key (0 for a new one).</summary>
public sealed record SetConfigRequest(string? Configkey, string? Configvalue, int? Sensitive);

/// <summary>The keys of a get-values or delete call.</summary>
public sealed record ConfigKeysRequest(IReadOnlyList<string>? Configkeys);

/// <summary>What AppAPI answers to a set: the row with the plain value (the ExApp sent it, so it may see it).</summary>
public sealed record ConfigEntry(long Id, string Appid, string? Userid, string Configkey, string Configvalue, int Sensitive);

/// <summary>One get-values item, AppAPI's shape.</summary>
public sealed record ConfigValue(string Configkey, string Configvalue);

public static class ConfigLimits
{
    /// <summary>AppAPI's column sizes: configkey varchar(64), userid varchar(64).</summary>
    public const int MaxKeyLength = 64;
    public const int MaxUserIdLength = 64;
    /// <summary>A generous bound so one request cannot ask for an unbounded IN list.</summary>
    public const int MaxKeysPerRequest = 1000;
    public const int MaxValueLength = 1024 * 1024;
}
