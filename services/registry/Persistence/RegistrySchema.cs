using ExApps.ServiceDefaults;
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
    ];

    public async Task StartAsync(CancellationToken ct)
    {
        await PostgresSchema.EnsureDatabaseAsync(PostgresSchema.ConnectionString(configuration), ct);
        await PostgresSchema.MigrateAsync(dataSource, Name, Migrations, logger, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
