using ExApps.ServiceDefaults;
using ExApps.ServiceDefaults.Outbox;

namespace ExApps.Lifecycle.Persistence;

/// <summary>The <c>lifecycle</c> schema: one row per app (<c>apps</c>) with its status and the operation in flight,
/// the operation ids already seen (a repeated request never runs twice), the outbox, and the live lifecycle
/// processes (a step claimed by a process that died is taken over at once).</summary>
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
        // Issue 9: the lifecycle owns every operation, from the registry's request to its end; the app's status
        // object lives here and reaches the registry as versioned snapshots. An upgrade drops operations that were
        // in flight in the old table (there is no faithful mapping of their steps).
        new(3, """
            DROP TABLE IF EXISTS lifecycle.operations;
            CREATE TABLE lifecycle.apps (
                app_id          text PRIMARY KEY,
                registration_id uuid NOT NULL,
                seq             bigint NOT NULL,
                spec            jsonb NOT NULL,
                enabled         boolean NOT NULL,
                version         text NOT NULL,
                status          jsonb NOT NULL,
                op_id           uuid NULL,
                op_kind         text NULL,
                op_started_at   timestamptz NULL,
                step            text NOT NULL,
                op_data         jsonb NOT NULL,
                due_at          timestamptz NULL,
                deadline        timestamptz NULL,
                tries           int NOT NULL,
                lease_token     bigint NOT NULL,
                lease_owner     uuid NULL,
                barrier_seq     bigint NOT NULL,
                last_op         jsonb NULL,
                updated_at      timestamptz NOT NULL
            );
            CREATE INDEX apps_due ON lifecycle.apps (due_at) WHERE due_at IS NOT NULL;
            CREATE INDEX apps_leased ON lifecycle.apps (lease_owner) WHERE lease_owner IS NOT NULL;
            CREATE TABLE lifecycle.instances (
                id      uuid PRIMARY KEY,
                seen_at timestamptz NOT NULL
            );
            CREATE INDEX seen_operations_seen_at ON lifecycle.seen_operations (seen_at);
            """),
        TransactionalOutbox.Migration(4, Schema),
        // Issue 13: the health of enabled apps (the platform keeps watching them).
        new(5, "ALTER TABLE lifecycle.apps ADD COLUMN health jsonb NULL;"),
        TransactionalOutbox.TraceMigration(6, Schema),
        // ExApp secrets and daemon passwords encrypted at rest (Persistence/SpecSeal.cs); older rows are sealed at start.
        new(7, "ALTER TABLE lifecycle.apps ADD COLUMN secrets_sealed boolean NOT NULL DEFAULT false;"),
    ];
}
