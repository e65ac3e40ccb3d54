using ExApps.ServiceDefaults;

namespace ExApps.Registry.AppConfig;

/// <summary>Tables of the OCS config routes (docs/protocol.md §6): AppAPI's <c>appconfig_ex</c> (per app) and
/// <c>preferences_ex</c> (per app and user). Rows go with their app (ON DELETE CASCADE), as AppAPI deletes them on
/// unregister. Sensitive values are stored encrypted with the registry's key.</summary>
public static class AppConfigSchema
{
    /// <summary>This folder numbers its migrations 3, 5, 7, ... so that they never collide with the registry's own
    /// (merged from another branch into the same list).</summary>
    public static readonly SqlMigration[] Migrations =
    [
        new(3, """
            CREATE TABLE registry.app_config (
              id bigserial UNIQUE,
              appid text NOT NULL REFERENCES registry.apps (appid) ON DELETE CASCADE,
              configkey text NOT NULL,
              configvalue text NOT NULL,
              sensitive boolean NOT NULL DEFAULT false,
              PRIMARY KEY (appid, configkey)
            );
            CREATE TABLE registry.app_preferences (
              id bigserial UNIQUE,
              appid text NOT NULL REFERENCES registry.apps (appid) ON DELETE CASCADE,
              userid text NOT NULL,
              configkey text NOT NULL,
              configvalue text NOT NULL,
              sensitive boolean NOT NULL DEFAULT false,
              PRIMARY KEY (appid, userid, configkey)
            );
            """),
    ];
}
