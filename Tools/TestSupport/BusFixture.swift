import Foundation
import Logging
import PostgresNIO
import Shared

/// Where the tests and tools find the local infrastructure that `make up` / `make test` start.
/// The database and broker vhost are `ECE_DATABASE` and `ECE_VHOST`, as for scripts/services.sh:
/// `make test` sets both to `ece_test` (made fresh by `scripts/infra.sh fresh ece_test`) so the
/// tests never write into the development platform; unset, they are `ece` and `/` (`swift test` by hand).
public enum LocalInfrastructure {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    public static var database: String { environment["ECE_DATABASE"].flatMap { $0.isEmpty ? nil : $0 } ?? "ece" }
    /// The vhost as it appears in an AMQP URL's path (empty = `/`).
    public static var vhost: String { environment["ECE_VHOST"] ?? "" }
    /// The vhost in a management API path (`/` is `%2F`).
    public static var managementVhost: String {
        vhost.isEmpty ? "%2F" : vhost.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? vhost
    }
    /// A role allowed to create throw-away schemas (scripts/infra.sh creates it).
    public static var databaseURL: String {
        environment["ECE_TEST_DATABASE_URL"] ?? "postgres://ece_test:ece_test@127.0.0.1:5433/\(database)"
    }
    public static var amqpURL: String {
        environment["ECE_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5673/\(vhost)"
    }
    /// A service's own database role and broker user (local passwords = names) on the tests' database and vhost.
    public static func serviceDatabaseURL(_ service: String, port: Int = 5433) -> String {
        "postgres://\(service):\(service)@127.0.0.1:\(port)/\(database)"
    }
    public static func serviceAMQPURL(_ service: String) -> String { "amqp://\(service):\(service)@127.0.0.1:5673/\(vhost)" }
    /// The two as a service's configuration reads them.
    public static func serviceURLs(_ service: String) -> [String: String] {
        ["DATABASE_URL": serviceDatabaseURL(service), "AMQP_URL": serviceAMQPURL(service)]
    }
    /// The mail-capture SMTP server (aiosmtpd, started by scripts/infra.sh) and the Maildir it writes.
    public static var smtpURL: String { environment["ECE_TEST_SMTP_URL"] ?? "smtp://127.0.0.1:2525" }
    public static var maildir: URL {
        environment["ECE_TEST_MAILDIR"].map { URL(fileURLWithPath: $0) } ?? repositoryRoot.appendingPathComponent("var/mail")
    }
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs a program to its end and gives its exit status, off the caller's thread. Spawned and
    /// reaped by hand: Foundation's Process sometimes never notices the exit of a script that
    /// leaves a daemon behind (scripts/infra.sh restarting the broker), and waits forever.
    public static func run(_ argv: [String]) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
                defer { cargs.forEach { free($0) } }
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
                var pid: pid_t = 0
                guard posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ) == 0 else {
                    continuation.resume(returning: -1)
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: (status >> 8) & 0xff)
            }
        }
    }
}

/// The payload of the probe events used by the fault tests and the bus benchmark.
public struct ProbePayload: Codable, Sendable {
    public var seq: Int
    /// A poison event makes the probe handler fail every time.
    public var poison: Bool
    /// When the producer committed it (for end-to-end latency).
    public var committedAt: Date

    public init(seq: Int, poison: Bool = false, committedAt: Date = Date()) {
        self.seq = seq
        self.poison = poison
        self.committedAt = committedAt
    }
}

public struct ProbeHandlerFailure: Error {}

/// The probe's schema additions and handler: each applied event appends a row to `effects`
/// (no unique key on purpose, so a duplicated effect shows as two rows).
public enum BusFixture {
    public static let migrations = [
        Migration(2, "probe_effects", [
            """
            CREATE TABLE {schema}.effects (
                message_id uuid NOT NULL, seq int NOT NULL, latency_us bigint NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT clock_timestamp())
            """,
        ]),
        // A poison event whose seq is here is mended: the next delivery (a replay) succeeds.
        Migration(3, "probe_remedies", ["CREATE TABLE {schema}.remedies (seq int PRIMARY KEY)"]),
    ]

    public static func handler(schema: SQLIdentifier) -> EventHandler {
        { event, connection, logger in
            let payload = try event.payload(as: ProbePayload.self)
            if payload.poison, try await connection.query("""
                SELECT 1 FROM \(unescaped: schema.name).remedies WHERE seq = \(payload.seq)
                """, logger: logger).collect().isEmpty {
                throw ProbeHandlerFailure()
            }
            let latency = Int64(Date().timeIntervalSince(payload.committedAt) * 1_000_000)
            try await connection.query("""
                INSERT INTO \(unescaped: schema.name).effects (message_id, seq, latency_us)
                VALUES (\(event.id), \(payload.seq), \(latency))
                """, logger: logger)
        }
    }

    /// Commits `count` probe events of `type` into the outbox, `perTransaction` at a time.
    @discardableResult
    public static func enqueue(count: Int, type: String, outbox: Outbox, client: PostgresClient, logger: Logger,
                               perTransaction: Int = 500, poison: Set<Int> = [], firstSeq: Int = 0) async throws -> [UUID] {
        var ids: [UUID] = []
        var next = firstSeq
        while next < firstSeq + count {
            let end = min(firstSeq + count, next + perTransaction)
            let envelopes = (next..<end).map { seq in
                EventEnvelope(type: type, version: 1, producer: outbox.producer, correlationId: "probe-\(seq)",
                              payload: ProbePayload(seq: seq, poison: poison.contains(seq)))
            }
            let chunk = try await client.withTransaction(logger: logger) { connection in
                try await outbox.enqueue(envelopes, on: connection, logger: logger)
            }
            ids += chunk
            next = end
        }
        return ids
    }

    /// How many times each event's effect was applied.
    public static func effects(client: PostgresClient, schema: SQLIdentifier, logger: Logger) async throws -> [UUID: Int] {
        var result: [UUID: Int] = [:]
        let rows = try await client.query(
            "SELECT message_id, count(*)::int FROM \(unescaped: schema.name).effects GROUP BY message_id", logger: logger)
        for try await (id, n) in rows.decode((UUID, Int).self) { result[id] = n }
        return result
    }

    public static func outboxStatus(client: PostgresClient, schema: SQLIdentifier, logger: Logger) async throws -> [String: Int] {
        var result: [String: Int] = [:]
        let rows = try await client.query(
            "SELECT status, count(*)::int FROM \(unescaped: schema.name).outbox GROUP BY status", logger: logger)
        for try await (status, n) in rows.decode((String, Int).self) { result[status] = n }
        return result
    }
}

/// The drain check every fault test ends with: each committed event is delivered, lost or
/// duplicated, and anything applied that nobody committed is unexpected.
public struct DrainReport: Sendable, Equatable, CustomStringConvertible {
    public var delivered = 0
    public var lost = 0
    public var duplicated = 0
    public var unexpected = 0

    public init(expected: Set<UUID>, effects: [UUID: Int]) {
        for id in expected {
            switch effects[id] ?? 0 {
            case 0: lost += 1
            case 1: delivered += 1
            default: duplicated += 1
            }
        }
        unexpected = effects.keys.filter { !expected.contains($0) }.count
    }

    public var isClean: Bool { lost == 0 && duplicated == 0 && unexpected == 0 }

    public var description: String {
        "delivered \(delivered) / lost \(lost) / duplicated \(duplicated) / unexpected \(unexpected)"
    }

    /// Polls the effects until every expected event is applied or the deadline passes, then
    /// waits `settle` more so late duplicates would show.
    public static func await(expected: Set<UUID>, timeout: Duration = .seconds(60), settle: Duration = .seconds(1),
                             effects: () async throws -> [UUID: Int]) async throws -> DrainReport {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let report = DrainReport(expected: expected, effects: try await effects())
            if report.lost == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: settle)
        return DrainReport(expected: expected, effects: try await effects())
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same sequence on every platform, for
/// property tests and for the chaos run's random moments.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform enough for tests (the modulo bias is negligible for such small ranges).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}
