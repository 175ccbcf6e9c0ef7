import Foundation
import Logging
import PostgresNIO
import Shared

/// Each service's outbox and inbox, read with the service's own database URL (a team may have
/// moved its schema to its own server): `<SERVICE>_DATABASE_URL`, schema named after the service.
enum Databases {
    static let services = ["referentiel", "inscriptions", "missions", "correction", "gateway"]
    /// Quiet: the pool's own chatter (connections opened and closed) is not the operator's business.
    static let logger = {
        var logger = Logger(label: "ece.ops")
        logger.logLevel = .error
        return logger
    }()

    static func url(_ service: String) -> String {
        Environment.values["\(service.uppercased())_DATABASE_URL"]
            ?? "postgres://\(service):\(service)@127.0.0.1:5433/\(Environment.values["ECE_DATABASE"] ?? "ece")"
    }

    static func with<T>(_ service: String, _ body: (PostgresClient, SQLIdentifier) async throws -> T) async throws -> T {
        try await withPostgresClient(try DatabaseConfiguration.client(url: url(service), maxConnections: 2), logger: logger) { client in
            try await body(client, try SQLIdentifier(service))
        }
    }

    struct Backlog {
        var pending: Int
        var failed: Int
        var oldestPendingAge: Double
        var sent: Int
        var inbox: Int
        var lastReceived: Date?
    }

    static func backlog(service: String) async throws -> Backlog {
        try await with(service) { client, schema in
            let outbox = try await Outbox(schema: schema, producer: service).backlog(client, logger: logger)
            let rows = try await client.query("""
                SELECT (SELECT count(*) FROM \(unescaped: schema.name).outbox WHERE status = 'sent'),
                       count(*), max(received_at) FROM \(unescaped: schema.name).inbox
                """, logger: logger).collect()
            let (sent, inbox, last) = try rows[0].decode((Int, Int, Date?).self)
            return Backlog(pending: outbox.pending, failed: outbox.failed, oldestPendingAge: outbox.oldestPendingAgeSeconds,
                           sent: sent, inbox: inbox, lastReceived: last)
        }
    }

    /// Failed outbox rows back to pending, attempts from zero (the relay takes them at once);
    /// `ids` nil: every failed row. The reason they failed stays in `last_error` until sent.
    static func retry(service: String, ids: [UUID]?) async throws -> [UUID] {
        try await with(service) { client, schema in
            let rows = try await client.query("""
                UPDATE \(unescaped: schema.name).outbox SET status = 'pending', attempts = 0, next_attempt_at = now()
                WHERE status = 'failed' AND (\(ids == nil) OR id = ANY(\(ids ?? [])))
                RETURNING id
                """, logger: logger)
            var retried: [UUID] = []
            for try await id in rows.decode(UUID.self) { retried.append(id) }
            return retried
        }
    }

    /// The rows among `ids` still not sent after `wait`.
    static func unsent(service: String, ids: [UUID], wait: Duration) async throws -> [UUID] {
        try await with(service) { client, schema in
            let deadline = ContinuousClock.now + wait
            while true {
                var left: [UUID] = []
                let rows = try await client.query("""
                    SELECT id FROM \(unescaped: schema.name).outbox WHERE id = ANY(\(ids)) AND status <> 'sent'
                    """, logger: logger)
                for try await id in rows.decode(UUID.self) { left.append(id) }
                if left.isEmpty || ContinuousClock.now > deadline { return left }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// Polls the service's inbox until `consumer` has recorded every id, or `wait` is over.
    static func inbox(service: String, consumer: String, ids: [UUID], wait: Duration) async throws -> [UUID: Date] {
        try await with(service) { client, schema in
            let deadline = ContinuousClock.now + wait
            var handled: [UUID: Date] = [:]
            while true {
                let rows = try await client.query("""
                    SELECT message_id, received_at FROM \(unescaped: schema.name).inbox
                    WHERE consumer = \(consumer) AND message_id = ANY(\(ids))
                    """, logger: logger)
                for try await (id, at) in rows.decode((UUID, Date).self) { handled[id] = at }
                if handled.count == ids.count || ContinuousClock.now > deadline { return handled }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    struct Step {
        var at: Date
        var service: String
        var what: String
        var detail: String
    }

    /// Every outbox row and inbox record whose event id or correlation id is `id`, in every service.
    static func trace(_ id: String) async throws -> [Step] {
        var steps: [Step] = []
        let uuid = UUID(uuidString: id)
        for service in services {
            do {
                steps += try await with(service) { client, schema in
                    var found: [Step] = []
                    let published = try await client.query("""
                        SELECT created_at, sent_at, id, event_type, status, attempts, last_error FROM \(unescaped: schema.name).outbox
                        WHERE id = \(uuid) OR lower(correlation_id) = lower(\(id)) ORDER BY seq
                        """, logger: logger)
                    for try await (created, sent, event, type, status, attempts, error) in
                        published.decode((Date, Date?, UUID, String, String, Int, String?).self) {
                        found.append(Step(at: created, service: service, what: "outbox: committed", detail: "\(type) \(event)"))
                        let outcome = status == "sent" ? "outbox: published" : "outbox: \(status) after \(attempts) attempt(s)"
                        found.append(Step(at: sent ?? Date(), service: service, what: outcome,
                                          detail: "\(type) \(event)\(error.map { ": " + $0 } ?? "")"))
                    }
                    let received = try await client.query("""
                        SELECT received_at, consumer, message_id, event_type FROM \(unescaped: schema.name).inbox
                        WHERE message_id = \(uuid) OR lower(correlation_id) = lower(\(id)) ORDER BY received_at
                        """, logger: logger)
                    for try await (at, consumer, event, type) in received.decode((Date, String, UUID, String).self) {
                        found.append(Step(at: at, service: service, what: "inbox: handled by \(consumer)", detail: "\(type) \(event)"))
                    }
                    return found
                }
            } catch {
                steps.append(Step(at: Date(), service: service, what: "unreachable", detail: "\(error)"))
            }
        }
        return steps
    }
}
