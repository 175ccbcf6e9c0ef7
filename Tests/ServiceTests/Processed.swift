import Foundation
import HummingbirdTesting
import PostgresNIO
import Shared
import TestSupport

/// What a negative check waits for before asserting that an event changed nothing (issue 26): a
/// positive trace that the consumer has processed it, within a deadline. Sleeping instead passes
/// when the late or duplicate event has simply not been handled yet.
enum Processed {
    /// Waits until the inbox of `schema` (a service's, or a test consumer's) holds every one of `ids`:
    /// the consumer's transaction committed, whether its handler applied the event or ignored it.
    static func inbox(_ ids: [UUID], client: PostgresClient, schema: String, timeout: Duration = .seconds(30)) async throws {
        try await waitUntil(timeout: timeout) {
            try await client.query("""
                SELECT count(DISTINCT message_id)::int FROM \(unescaped: schema).inbox WHERE message_id = ANY(\(ids))
                """).collect().first?.decode(Int.self) == Set(ids).count
        }
    }

    /// The same in a service's own schema (`correction`, `missions` …), read as the service's role.
    static func inbox(of service: String, _ ids: [UUID], timeout: Duration = .seconds(30)) async throws {
        try await withServiceDatabase(HealthTests.configuration(service, 0), migrations: []) { client, schema, _ in
            try await inbox(ids, client: client, schema: schema.name, timeout: timeout)
        }
    }

    /// The ids of the events `service` committed to its outbox matching `condition` (SQL on its
    /// columns: `event_type`, `body` …): what a consumer must have processed before a test counts.
    static func outbox(of service: String, where condition: String) async throws -> [UUID] {
        var ids: [UUID] = []
        try await withServiceDatabase(HealthTests.configuration(service, 0), migrations: []) { client, schema, _ in
            ids = try await client.query(PostgresQuery(unsafeSQL: "SELECT id FROM \(schema.name).outbox WHERE \(condition) ORDER BY seq"))
                .collect().map { try $0.decode(UUID.self) }
        }
        return ids
    }

    /// How many redelivered events the service behind `service` (a test client of the service
    /// itself, not the gateway) has skipped since it started (its `/metrics`).
    static func duplicatesSkipped(by service: some TestClientProtocol) async throws -> Int {
        let response = try await service.execute(uri: "/metrics", method: .get,
                                                 headers: [.authorization: "Bearer \(HealthTests.metricsToken)"])
        let line = String(buffer: response.body).split(separator: "\n").first { $0.hasPrefix("ece_events_duplicated_total") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) } ?? 0
    }

    /// Waits until the service has skipped at least `count` redelivered events: a duplicate's only
    /// trace, its inbox row having been written by the first delivery.
    static func duplicates(atLeast count: Int, skippedBy service: some TestClientProtocol,
                           timeout: Duration = .seconds(30)) async throws {
        try await waitUntil(timeout: timeout) { try await duplicatesSkipped(by: service) >= count }
    }
}
