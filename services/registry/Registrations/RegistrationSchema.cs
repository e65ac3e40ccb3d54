using ExApps.ServiceDefaults;

namespace ExApps.Registry.Registrations;

/// <summary>What ExApps register through AppAPI's UI, command, bot and provider routes (docs/registrations.md): one
/// table for every kind, a row per (app, kind, key) holding AppAPI's fields as JSON. Rows go with their app
/// (ON DELETE CASCADE: the registry deletes the app row when the lifecycle reports it removed) and stay through
/// updates, as in AppAPI. Migrations of this folder are numbered from 100.</summary>
public static class RegistrationSchema
{
    public static readonly SqlMigration[] Migrations =
    [
        new(100, """
            CREATE TABLE registry.app_registrations (
              id bigserial UNIQUE,
              appid text NOT NULL REFERENCES registry.apps (appid) ON DELETE CASCADE,
              kind text NOT NULL,
              key text NOT NULL,
              data jsonb NOT NULL,
              created_at timestamptz NOT NULL DEFAULT now(),
              updated_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (appid, kind, key)
            );
            CREATE INDEX app_registrations_kind ON registry.app_registrations (kind);
            """),
    ];
}
