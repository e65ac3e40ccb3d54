using ExApps.ServiceDefaults;
using Npgsql;

namespace ExApps.AppStore.Persistence;

/// <summary>The store's tables (schema <c>appstore</c> of its own database) as numbered SQL migrations, and the
/// fixtures loaded after them at every start, as the real store's container does on start.</summary>
public static class StoreSchema
{
    public const string Name = "appstore";

    private static readonly SqlMigration[] Migrations =
    [
        new(1, """
            CREATE TABLE appstore.accounts (
              id bigserial PRIMARY KEY,
              username text NOT NULL UNIQUE,
              email text NOT NULL,
              password_hash text NOT NULL,
              email_verified boolean NOT NULL DEFAULT false,
              is_superuser boolean NOT NULL DEFAULT false,
              is_active boolean NOT NULL DEFAULT true,
              token_seed text NULL,
              token_hash text NULL UNIQUE,
              created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE appstore.categories (
              id text PRIMARY KEY,
              ordering int NOT NULL,
              translations jsonb NOT NULL
            );
            CREATE TABLE appstore.nextcloud_releases (
              version text PRIMARY KEY,
              has_release boolean NOT NULL,
              is_supported boolean NOT NULL,
              is_current boolean NOT NULL DEFAULT false
            );
            CREATE TABLE appstore.apps (
              id text PRIMARY KEY,
              owner_id bigint NOT NULL REFERENCES appstore.accounts (id),
              certificate text NOT NULL,
              created timestamptz NOT NULL DEFAULT now(),
              last_release timestamptz NULL,
              user_docs text NOT NULL DEFAULT '',
              admin_docs text NOT NULL DEFAULT '',
              developer_docs text NOT NULL DEFAULT '',
              issue_tracker text NOT NULL DEFAULT '',
              website text NOT NULL DEFAULT '',
              discussion text NOT NULL DEFAULT '',
              is_featured boolean NOT NULL DEFAULT false,
              categories jsonb NOT NULL DEFAULT '[]',
              authors jsonb NOT NULL DEFAULT '[]',
              screenshots jsonb NOT NULL DEFAULT '[]',
              translations jsonb NOT NULL
            );
            CREATE TABLE appstore.releases (
              id bigserial PRIMARY KEY,
              app_id text NOT NULL REFERENCES appstore.apps (id) ON DELETE CASCADE,
              version text NOT NULL,
              is_nightly boolean NOT NULL,
              download text NOT NULL,
              signature text NOT NULL,
              signature_digest text NOT NULL,
              platform_version_spec text NOT NULL,
              raw_platform_version_spec text NOT NULL,
              php_version_spec text NOT NULL,
              raw_php_version_spec text NOT NULL,
              min_int_size int NOT NULL,
              licenses jsonb NOT NULL,
              translations jsonb NOT NULL,
              aa_is_system boolean NOT NULL,
              deploy_methods jsonb NOT NULL,
              api_scopes jsonb NOT NULL,
              environment_variables jsonb NOT NULL,
              created timestamptz NOT NULL DEFAULT now(),
              last_modified timestamptz NOT NULL DEFAULT now(),
              CONSTRAINT releases_app_version_unique UNIQUE (app_id, version, is_nightly)
            );
            -- POST attempts per account and scope, counted over the throttle period.
            CREATE TABLE appstore.throttle_hits (
              account_id bigint NOT NULL REFERENCES appstore.accounts (id) ON DELETE CASCADE,
              scope text NOT NULL,
              at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX throttle_hits_lookup ON appstore.throttle_hits (account_id, scope, at);
            """),
    ];

    public static async Task ApplyAsync(string connectionString, NpgsqlDataSource dataSource, ILogger logger,
        CancellationToken ct = default)
    {
        await PostgresSchema.EnsureDatabaseAsync(connectionString, ct);
        await PostgresSchema.MigrateAsync(dataSource, Name, Migrations, logger, ct);
        await Fixtures.LoadAsync(dataSource, ct);
    }
}

/// <summary>Applies the schema and fixtures before the store answers.</summary>
public sealed class StoreSchemaStartup(NpgsqlDataSource dataSource, IConfiguration configuration,
    ILogger<StoreSchemaStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken ct) =>
        StoreSchema.ApplyAsync(StoreDatabase.ConnectionString(configuration), dataSource, logger, ct);

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
