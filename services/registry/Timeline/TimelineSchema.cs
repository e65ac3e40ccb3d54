using ExApps.ServiceDefaults;

namespace ExApps.Registry.Timeline;

/// <summary>Migrations 200-299: each app's timeline (what happened and when, bounded per app, gone with the app),
/// the deployer's latest pull detail of each app (bytes, shown live), and the test deploys of daemons (kept after
/// their app is removed, so their result can still be read).</summary>
public static class TimelineSchema
{
    public static readonly SqlMigration[] Migrations =
    [
        new(200, """
            CREATE TABLE registry.app_events (
              id bigserial PRIMARY KEY,
              appid text NOT NULL REFERENCES registry.apps (appid) ON DELETE CASCADE,
              operation_id uuid NULL,
              at timestamptz NOT NULL,
              kind text NOT NULL,
              step text NULL,
              message text NOT NULL,
              data jsonb NULL
            );
            CREATE INDEX app_events_app ON registry.app_events (appid, id);
            ALTER TABLE registry.apps ADD COLUMN deploy_detail jsonb NULL;
            CREATE TABLE registry.test_deploys (
              appid text PRIMARY KEY,
              daemon_name text NOT NULL,
              operation_id uuid NULL,
              started_at timestamptz NOT NULL,
              finished_at timestamptz NULL,
              removed_at timestamptz NULL,
              outcome text NULL,
              failed_step text NULL,
              error text NOT NULL DEFAULT '',
              removal_error text NOT NULL DEFAULT '',
              steps jsonb NOT NULL DEFAULT '[]'
            );
            CREATE INDEX test_deploys_daemon ON registry.test_deploys (daemon_name, started_at DESC);
            CREATE UNIQUE INDEX test_deploys_one_running ON registry.test_deploys (daemon_name) WHERE removed_at IS NULL;
            -- Live views of a test deploy follow its app's channel, also once the app is gone.
            CREATE FUNCTION registry.notify_test_deploy_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('registry_apps', COALESCE(NEW.appid, OLD.appid));
                RETURN NULL;
            END $$;
            CREATE TRIGGER test_deploys_notify AFTER INSERT OR UPDATE OR DELETE ON registry.test_deploys
                FOR EACH ROW EXECUTE FUNCTION registry.notify_test_deploy_change();
            """),
    ];
}
