using ExApps.ServiceDefaults;

namespace ExApps.Lifecycle.Persistence;

/// <summary>The <c>lifecycle</c> schema. One row per app holds its current operation; a new operation replaces
/// the row, so the table never grows beyond the number of apps.</summary>
public static class LifecycleMigrations
{
    public const string Schema = "lifecycle";

    public static readonly IReadOnlyList<SqlMigration> All =
    [
        new(1, """
            CREATE TABLE lifecycle.operations (
                app_id             text PRIMARY KEY,
                operation_id       uuid NOT NULL,
                kind               text NOT NULL,
                version            text NOT NULL,
                exapp_url          text NOT NULL,
                secret             text NOT NULL,
                state              text NOT NULL
                    CHECK (state IN ('heartbeat', 'initializing', 'enabling', 'enabled', 'failed')),
                failed_tries       int NOT NULL DEFAULT 0,
                heartbeat_deadline timestamptz NOT NULL,
                next_attempt_at    timestamptz NOT NULL,
                init_started_at    timestamptz NULL,
                init_deadline      timestamptz NULL,
                last_error         text NOT NULL DEFAULT '',
                updated_at         timestamptz NOT NULL
            );
            -- the two scans the workers run continuously
            CREATE INDEX operations_heartbeat_due ON lifecycle.operations (next_attempt_at) WHERE state = 'heartbeat';
            CREATE INDEX operations_init_deadline ON lifecycle.operations (init_deadline) WHERE state = 'initializing';
            """),
    ];
}
