using ExApps.ServiceDefaults;

namespace ExApps.Deployer.Persistence;

/// <summary>Applies the deployer's migrations at start, before the bus runs (consumers need the tables).</summary>
public sealed class DeployerSchema(DeployerDatabase database, ILogger<DeployerSchema> logger) : IHostedService
{
    private static readonly SqlMigration[] Migrations =
    [
        // One row per deploy operation: how often it was started (a deployer that died mid-deploy leaves its
        // message to another one), the last progress published (a redelivery never shows it going back), the image
        // an update replaces (gone from the engine once the old container is removed), and the outcome (a
        // duplicate or redelivered request answers with it instead of deploying again).
        new(1, """
            CREATE TABLE deployer.operations (
              operation_id uuid PRIMARY KEY,
              app_id text NOT NULL,
              attempts int NOT NULL DEFAULT 1,
              last_progress int NULL,
              replaced_image_id text NULL,
              replaced_image_ref text NULL,
              outcome text NULL CHECK (outcome IN ('started', 'failed')),
              reason text NULL,
              started_at timestamptz NOT NULL DEFAULT now(),
              finished_at timestamptz NULL
            );
            CREATE INDEX operations_finished_at ON deployer.operations (finished_at);
            """),
    ];

    public Task StartAsync(CancellationToken ct) => MigrateAsync(database, logger, ct);

    public static async Task MigrateAsync(DeployerDatabase database, ILogger logger, CancellationToken ct)
    {
        await PostgresSchema.EnsureDatabaseAsync(database.ConnectionString, ct);
        await PostgresSchema.MigrateAsync(database.Pooled, DeployerDatabase.Schema, Migrations, logger, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
