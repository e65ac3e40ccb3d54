using ExApps.ServiceDefaults;
using ExApps.ServiceDefaults.Outbox;
using Npgsql;

namespace ExApps.Registry.Persistence;

/// <summary>The registry's schema as numbered SQL migrations, applied at start before the bus runs.</summary>
public sealed class RegistrySchema(NpgsqlDataSource dataSource, IConfiguration configuration,
    ILogger<RegistrySchema> logger) : IHostedService
{
    public const string Name = "registry";

    private static readonly SqlMigration[] Migrations =
    [
        new(1, """
            CREATE TABLE registry.daemons (
              name text PRIMARY KEY,
              display_name text NOT NULL,
              accepts_deploy_id text NOT NULL,
              protocol text NOT NULL,
              host text NOT NULL,
              deploy_config jsonb NOT NULL,
              haproxy_password_enc text NULL,
              is_default boolean NOT NULL DEFAULT false,
              created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE UNIQUE INDEX daemons_single_default ON registry.daemons (is_default) WHERE is_default;
            CREATE TABLE registry.apps (
              appid text PRIMARY KEY,
              name text NOT NULL,
              version text NOT NULL,
              daemon_name text NOT NULL REFERENCES registry.daemons (name),
              port int NOT NULL,
              secret_enc text NOT NULL,
              enabled boolean NOT NULL DEFAULT false,
              status jsonb NOT NULL,
              info jsonb NOT NULL,
              routes jsonb NOT NULL,
              deploy_options jsonb NOT NULL,
              operation_id uuid NOT NULL,
              created_time bigint NOT NULL,
              CONSTRAINT apps_daemon_port_unique UNIQUE (daemon_name, port)
            );
            """),
        // The operation running for an app (install, update, enable, disable), so a second one is refused, and
        // the new app info of an update, applied once the lifecycle confirmed the disable.
        new(2, """
            ALTER TABLE registry.apps ADD COLUMN operation_kind text NULL;
            ALTER TABLE registry.apps ADD COLUMN operation_started_at timestamptz NULL;
            ALTER TABLE registry.apps ADD COLUMN pending_update jsonb NULL;
            """),
        .. ExApps.Registry.AppConfig.AppConfigSchema.Migrations,
        // The lifecycle owns app operations (docs/flows.md): the registry keeps the request it made until the
        // lifecycle reports on it, and projects the lifecycle's versioned snapshots. Ports are chosen across all
        // ExApps (two daemons may share one Docker host). Every change of an app is announced to this service's
        // processes (LISTEN registry_apps) for the live views and the waits of disable and unregister.
        new(10, """
            ALTER TABLE registry.apps ADD COLUMN registration_id uuid NOT NULL DEFAULT gen_random_uuid();
            ALTER TABLE registry.apps ADD COLUMN status_seq bigint NOT NULL DEFAULT 0;
            ALTER TABLE registry.apps ADD COLUMN operation jsonb NULL;
            ALTER TABLE registry.apps ADD COLUMN last_operation jsonb NULL;
            ALTER TABLE registry.apps ADD COLUMN requested_operation jsonb NULL;
            ALTER TABLE registry.apps DROP COLUMN operation_kind, DROP COLUMN operation_started_at,
                DROP COLUMN pending_update, DROP COLUMN operation_id;
            ALTER TABLE registry.apps DROP CONSTRAINT apps_daemon_port_unique;
            CREATE INDEX apps_port ON registry.apps (port);
            CREATE FUNCTION registry.notify_app_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('registry_apps', COALESCE(NEW.appid, OLD.appid));
                RETURN NULL;
            END $$;
            CREATE TRIGGER apps_notify AFTER INSERT OR UPDATE OR DELETE ON registry.apps
                FOR EACH ROW EXECUTE FUNCTION registry.notify_app_change();
            """),
        TransactionalOutbox.Migration(11, Name),
        // Issue 13: the health of enabled apps, as the lifecycle's watching sees it.
        new(12, "ALTER TABLE registry.apps ADD COLUMN health jsonb NULL;"),
        TransactionalOutbox.TraceMigration(13, Name),
        .. ExApps.Registry.Registrations.RegistrationSchema.Migrations,
        .. ExApps.Registry.Timeline.TimelineSchema.Migrations,
    ];

    public async Task StartAsync(CancellationToken ct)
    {
        await PostgresSchema.EnsureDatabaseAsync(PostgresSchema.ConnectionString(configuration), ct);
        await PostgresSchema.MigrateAsync(dataSource, Name, Migrations, logger, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
