import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Shared

/// A throw-away schema with the event tables and the probe's `effects`, and a running Postgres client.
public final class BusHarness: Sendable {
    public let client: PostgresClient
    public let schema: SQLIdentifier
    public let logger: Logger
    public let amqp: AMQPConfiguration
    private let clientTask: Task<Void, Never>

    /// Creates (or, with `reuse`, keeps) schema `name` and migrates it.
    /// `amqpURL`: the local node by default, or a cluster's nodes (comma-separated).
    public init(schema name: String = "bus_\(UUID().uuidString.prefix(8).lowercased())", reuse: Bool = false,
                amqpURL: String = LocalInfrastructure.amqpURL, logger: Logger = Logger(label: "ece.test")) async throws {
        schema = try SQLIdentifier(name)
        self.logger = logger
        amqp = try AMQPConfiguration(url: amqpURL)
        let client = PostgresClient(configuration: try DatabaseConfiguration.client(url: LocalInfrastructure.databaseURL),
                                    backgroundLogger: logger)
        self.client = client
        clientTask = Task.immediate { await client.run() }
        if !reuse { try await client.query("DROP SCHEMA IF EXISTS \(unescaped: name) CASCADE", logger: logger) }
        try await client.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: name)", logger: logger)
        try await Migrator.migrate(client, schema: schema, migrations: BusFixture.migrations, logger: logger)
    }

    public func outbox(producer: String = "probe") -> Outbox { Outbox(schema: schema, producer: producer) }

    public func consumer(queue: String, type: String, deliveryLimit: Int = EventTopology.defaultDeliveryLimit,
                         metrics: ServiceMetrics? = nil,
                         afterCommit: (@Sendable ([IncomingEvent]) -> Void)? = nil) -> InboxConsumer {
        InboxConsumer(queue: queue, schema: schema, client: client, amqp: amqp,
                      handlers: [type: BusFixture.handler(schema: schema)], owners: [type: amqp.user],
                      deliveryLimit: deliveryLimit,
                      logger: logger, metrics: metrics, afterCommit: afterCommit)
    }

    public func effects() async throws -> [UUID: Int] {
        try await BusFixture.effects(client: client, schema: schema, logger: logger)
    }

    public func outboxStatus() async throws -> [String: Int] {
        try await BusFixture.outboxStatus(client: client, schema: schema, logger: logger)
    }

    public func dropSchema() async throws {
        try await client.query("DROP SCHEMA IF EXISTS \(unescaped: schema.name) CASCADE", logger: logger)
    }

    public func shutdown() async {
        clientTask.cancel()
        _ = await clientTask.value
    }
}

/// Runs a lifecycle service in a task until `stop()` (cancellation is its shutdown signal here).
public final class Running: Sendable {
    private let task: Task<Void, Never>

    public init(_ service: some Service) {
        task = Task { try? await service.run() }
    }

    public func stop() async {
        task.cancel()
        await task.value
    }
}

/// Polls `condition` until it holds, or fails after `timeout`.
public func waitUntil(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut(what: "condition not met in \(timeout)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

public struct TimedOut: Error, CustomStringConvertible {
    public var what: String
    public var description: String { what }
}

public func queueExists(_ name: String) async throws -> Bool {
    await BrokerAdmin.queueDepth(try AMQPConfiguration(url: LocalInfrastructure.amqpURL), queue: name) != nil
}

public func deleteQueues(_ names: [String]) async {
    guard let configuration = try? AMQPConfiguration(url: LocalInfrastructure.amqpURL) else { return }
    await BrokerAdmin.deleteQueues(configuration, names)
}

/// A test consumer of one event type: its own throw-away schema with a `recus` table made by
/// `columns`, and a running inbox consumer whose `record` writes there (inside the inbox
/// transaction, so a redelivery records nothing twice).
public final class RecordingConsumer: Sendable {
    public let harness: BusHarness
    public let queue: String
    /// `<schema>.recus`, for the test's queries.
    public let table: String
    private let running: Running

    public init(type: String, columns: String,
                record: @escaping @Sendable (IncomingEvent, PostgresConnection, Logger, String) async throws -> Void) async throws {
        let harness = try await BusHarness()
        let table = "\(harness.schema.name).recus"
        try await harness.client.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(table) (\(columns))"))
        let queue = "test.\(harness.schema).\(type.replacingOccurrences(of: ".", with: "_"))"
        let consumer = InboxConsumer(queue: queue, schema: harness.schema, client: harness.client, amqp: harness.amqp,
                                     handlers: [type: { event, connection, logger in
                                         try await record(event, connection, logger, table)
                                     }], logger: harness.logger)
        self.harness = harness
        self.queue = queue
        self.table = table
        running = Running(consumer)
        try await waitUntil { try await queueExists(queue) }
    }

    /// How many recorded rows match `condition` (SQL).
    public func count(where condition: String = "true") async throws -> Int {
        let rows = try await harness.client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(table) WHERE \(condition)"))
        for try await n in rows.decode(Int.self) { return n }
        return 0
    }

    public func stop() async throws {
        await running.stop()
        await deleteQueues([queue, queue + ".dlq"])
        try await harness.dropSchema()
        await harness.shutdown()
    }
}
