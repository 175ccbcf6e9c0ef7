import Logging
import PostgresNIO

/// One-off commands of a service (seeding demo data, administration): run `body` against the
/// service's own schema, migrated first, with a client that lives as long as the command.
public func withServiceDatabase(_ configuration: ServiceConfiguration, migrations: [Migration],
                                _ body: (PostgresClient, SQLIdentifier, Logger) async throws -> Void) async throws {
    var logger = configuration.makeLogger()
    logger.logLevel = .warning
    let client = PostgresClient(configuration: try DatabaseConfiguration.client(url: configuration.databaseURL),
                                backgroundLogger: logger)
    // Immediate: `run()` has marked the client running before the first lease (no warning on `make up`).
    let task = Task.immediate { await client.run() }
    defer { task.cancel() }
    let schema = try SQLIdentifier(configuration.schema)
    try await Migrator.migrate(client, schema: schema, migrations: migrations, logger: logger)
    try await body(client, schema, logger)
}
