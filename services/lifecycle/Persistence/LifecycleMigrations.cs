using ExApps.ServiceDefaults;

namespace ExApps.Lifecycle.Persistence;

/// <summary>The <c>lifecycle</c> schema. One row per app holds its current operation; a new operation replaces
/// the row, so the operations table never grows beyond the number of apps.</summary>
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
        // Issue 5: enable/disable operations, an outbox so that a transition and the events it announces commit
        // together, the operation ids already seen (a late message of an old operation must never bring it back),
        // and whether POST /init was answered (a restart in between calls it again).
        new(2, """
            ALTER TABLE lifecycle.operations DROP CONSTRAINT operations_state_check;
            ALTER TABLE lifecycle.operations ADD CONSTRAINT operations_state_check CHECK (state IN
                ('starting', 'heartbeat', 'initializing', 'enabling', 'enabled', 'failed', 'disabling', 'disabled'));
            ALTER TABLE lifecycle.operations ADD COLUMN init_called boolean NOT NULL DEFAULT false;
            CREATE TABLE lifecycle.seen_operations (
                operation_id uuid PRIMARY KEY,
                app_id       text NOT NULL,
                seen_at      timestamptz NOT NULL
            );
            CREATE TABLE lifecycle.outbox (
                id           bigserial PRIMARY KEY,
                message_type text NOT NULL,
                body         jsonb NOT NULL,
                created_at   timestamptz NOT NULL
            );
            """),
    ];
}
