import Logging
import PostgresNIO

/// One versioned schema change. `{schema}` in the statements is replaced by the service's schema.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var statements: [String]

    public init(_ version: Int, _ name: String, _ statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Applies a service's migrations at start-up: ordered, one transaction each, recorded in
/// `<schema>.schema_migrations`, under an advisory lock so concurrent instances apply each once.
/// The event bus tables (outbox, inbox) are migration 1 of every schema; services number theirs from 2
/// (below 1000: later event-bus changes take 1000 on, after the service's own).
public enum Migrator {
    public static func migrate(_ client: PostgresClient, schema: SQLIdentifier, migrations: [Migration],
                               logger: Logger) async throws {
        let all = [EventStoreMigration.migration] + migrations.sorted { $0.version < $1.version } + [EventStoreMigration.notify]
        precondition(Set(all.map(\.version)).count == all.count, "duplicate migration versions in \(schema)")
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(hashtext(\(schema.name)))", logger: logger)
            do {
                try await apply(all, schema: schema, on: connection, logger: logger)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext(\(schema.name)))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(hashtext(\(schema.name)))", logger: logger)
        }
    }

    private static func apply(_ migrations: [Migration], schema: SQLIdentifier, on connection: PostgresConnection,
                              logger: Logger) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: """
            CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (
                version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """), logger: logger)
        var applied = Set<Int>()
        for try await version in try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT version FROM \(schema).schema_migrations"), logger: logger
        ).decode(Int.self) {
            applied.insert(version)
        }
        for migration in migrations where !applied.contains(migration.version) {
            try await connection.withTransaction(logger: logger) { tx in
                for statement in migration.statements {
                    let sql = statement.replacingOccurrences(of: "{schema}", with: schema.name)
                    try await tx.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                }
                try await tx.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO \(schema).schema_migrations (version, name) VALUES (\(migration.version), '\(migration.name.replacingOccurrences(of: "'", with: "''"))')
                    """), logger: logger)
            }
            logger.info("migration applied", metadata: ["schema": "\(schema)", "version": "\(migration.version)",
                                                         "name": "\(migration.name)"])
        }
    }
}

/// The outbox and inbox of the event contract (DESIGN.md §2), in every service's schema.
enum EventStoreMigration {
    /// The outbox notifies `<schema>_outbox` when rows are inserted (delivered at commit, once per
    /// transaction): the relay listens instead of polling (OutboxRelay.Options.listen).
    static let notify = Migration(1000, "outbox_notify", [
        """
        CREATE FUNCTION {schema}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{schema}_outbox', '');
            RETURN NULL;
        END
        $$
        """,
        "CREATE TRIGGER outbox_notify AFTER INSERT ON {schema}.outbox FOR EACH STATEMENT EXECUTE FUNCTION {schema}.outbox_notify()",
    ])

    static let migration = Migration(1, "event_bus", [
        """
        CREATE TABLE {schema}.outbox (
            seq bigserial PRIMARY KEY,
            id uuid NOT NULL UNIQUE,
            routing_key text NOT NULL,
            event_type text NOT NULL,
            event_version int NOT NULL,
            correlation_id text NOT NULL,
            body text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
            attempts int NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            last_error text,
            sent_at timestamptz
        )
        """,
        "CREATE INDEX outbox_pending ON {schema}.outbox (next_attempt_at, seq) WHERE status = 'pending'",
        """
        CREATE TABLE {schema}.inbox (
            consumer text NOT NULL,
            message_id uuid NOT NULL,
            event_type text NOT NULL,
            correlation_id text NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer, message_id)
        )
        """,
    ])
}
