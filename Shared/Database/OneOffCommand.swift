import Logging
import PostgresNIO

/// Runs `body` with a client whose `run()` lives exactly as long as `body`: started before the
/// first lease (no "run() hasn't been called yet"), cancelled and awaited after the last, so no
/// connection of it is still closing when the caller goes on (a client left to close in the
/// background crashed a test process, in NIO, on the next test's channels).
public func withPostgresClient<Result>(_ configuration: PostgresClient.Configuration, logger: Logger,
                                       _ body: (PostgresClient) async throws -> Result) async throws -> Result {
    let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addImmediateTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}

/// One-off commands of a service (seeding demo data, administration): run `body` against the
/// service's own schema, migrated first, with a client that lives as long as the command.
public func withServiceDatabase(_ configuration: ServiceConfiguration, migrations: [Migration],
                                _ body: (PostgresClient, SQLIdentifier, Logger) async throws -> Void) async throws {
    var logger = configuration.makeLogger()
    logger.logLevel = .warning
    try await withPostgresClient(try DatabaseConfiguration.client(url: configuration.databaseURL), logger: logger) { client in
        let schema = try SQLIdentifier(configuration.schema)
        try await Migrator.migrate(client, schema: schema, migrations: migrations, logger: logger)
        try await body(client, schema, logger)
    }
}
