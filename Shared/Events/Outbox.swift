import Foundation
import Logging
import PostgresNIO

/// Writes events into `<schema>.outbox` inside the caller's transaction: the state change and its
/// events commit together or not at all. The `OutboxRelay` publishes them afterwards.
public struct Outbox: Sendable {
    public let schema: SQLIdentifier
    public let producer: String

    public init(schema: SQLIdentifier, producer: String) {
        self.schema = schema
        self.producer = producer
    }

    /// Records one event; returns its id (the future AMQP `message_id`).
    @discardableResult
    public func enqueue<P: EventPayload>(_ payload: P, correlationId: String, on connection: PostgresConnection,
                                         logger: Logger) async throws -> UUID {
        try await enqueue(EventEnvelope(producer: producer, correlationId: correlationId, payload: payload),
                          on: connection, logger: logger)
    }

    /// Records a prepared envelope (its id is kept: a re-enqueue of the same id is refused by the unique key).
    @discardableResult
    public func enqueue<P>(_ envelope: EventEnvelope<P>, on connection: PostgresConnection,
                           logger: Logger) async throws -> UUID {
        try await enqueue([envelope], on: connection, logger: logger)[0]
    }

    /// Records many events in one round trip (bulk work: chunks of affectations, grades …).
    @discardableResult
    public func enqueue<P>(_ envelopes: [EventEnvelope<P>], on connection: PostgresConnection,
                           logger: Logger) async throws -> [UUID] {
        guard !envelopes.isEmpty else { return [] }
        let bodies = try envelopes.map { String(decoding: try EventCoding.encoder.encode($0), as: UTF8.self) }
        try await connection.query("""
            INSERT INTO \(unescaped: schema.name).outbox (id, routing_key, event_type, event_version, correlation_id, body)
            SELECT id, type, type, version, correlation_id, body
            FROM unnest(\(envelopes.map(\.id))::uuid[], \(envelopes.map(\.type))::text[], \(envelopes.map(\.version))::int[],
                        \(envelopes.map(\.correlationId))::text[], \(bodies)::text[])
                 AS e(id, type, version, correlation_id, body)
            """, logger: logger)
        return envelopes.map(\.id)
    }
}

/// Backlog figures for `/metrics` and operators.
public struct OutboxBacklog: Sendable {
    public var pending: Int
    public var failed: Int
    public var oldestPendingAgeSeconds: Double
}

extension Outbox {
    public func backlog(_ client: PostgresClient, logger: Logger) async throws -> OutboxBacklog {
        let rows = try await client.query("""
            SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed'),
                   COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0)::float8
            FROM \(unescaped: schema.name).outbox
            """, logger: logger)
        for try await (pending, failed, age) in rows.decode((Int, Int, Double).self) {
            return OutboxBacklog(pending: pending, failed: failed, oldestPendingAgeSeconds: age)
        }
        return OutboxBacklog(pending: 0, failed: 0, oldestPendingAgeSeconds: 0)
    }
}
