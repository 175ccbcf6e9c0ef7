import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
@testable import Shared
import Testing
import TestSupport
@testable import Correction
@testable import Gateway
@testable import Inscriptions
@testable import Missions

/// Poison events (issue 18, item 6): every queue a service consumes gets malformed envelopes and
/// payloads through the real broker (chunk 0 of 0, which trapped, unknown versions, NUL characters,
/// absurd sizes…). Each lands in the queue's dead-letter queue with the consumer's reason, the
/// dead-letter queue holds exactly them, the service's schema is unchanged, and the service is still
/// up and applies a valid event afterwards.
@Suite(.serialized) struct PoisonEventTests {
    @Test(arguments: ["correction", "gateway", "inscriptions", "missions"])
    func malformedEventsAreParkedWithTheirReasonAndChangeNothing(service: String) async throws {
        let entry = try #require(HealthTests.services.first { $0.name == service })
        let configuration = HealthTests.configuration(entry.name, entry.port)
        let queues = PoisonEvents.consumers.map(\.queue).filter { $0.hasPrefix(service + ".") }
        #expect(!queues.isEmpty)
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        // A quiet start: events other tests left for an instance long gone are dropped before this
        // one starts (handled while the baseline is taken, they would change the fingerprint).
        await BrokerAdmin.purgeQueues(amqp, queues)
        let app = try await entry.build(configuration)
        try await app.test(.live) { client in
            try await waitUntil(timeout: .seconds(60)) {
                try await client.execute(uri: "/health", method: .get) { $0.status } == .ok
            }
            var baseline: [String: Int] = [:]
            for queue in queues {
                #expect(await BrokerAdmin.queueDepth(amqp, queue: queue) == 0)
                baseline[queue] = try #require(await BrokerAdmin.queueDepth(amqp, queue: queue + ".dlq"))
            }
            try await Self.withDatabase(configuration) { db in
                let before = try await Self.fingerprint(db, configuration.schema)
                let publisher = AMQPPublisher(configuration: amqp, appId: "test", logger: Logger(label: "test"), exchange: "")
                let running = Running(publisher)
                try await waitUntil { publisher.isConnected }
                var sent: [String: [PoisonEvents.Message]] = [:]
                for queue in queues {
                    let messages = PoisonEvents.messages(for: queue, count: 60)
                    #expect(try await publisher.publish(messages.map(\.outgoing)).allSatisfy({ $0 == .acked }))
                    sent[queue] = messages
                }

                for queue in queues {
                    let messages = sent[queue]!
                    try await waitUntil(timeout: .seconds(60)) {
                        (await BrokerAdmin.queueDepth(amqp, queue: queue + ".dlq") ?? 0) >= baseline[queue]! + messages.count
                    }
                    #expect(await BrokerAdmin.queueDepth(amqp, queue: queue + ".dlq") == baseline[queue]! + messages.count,
                            "\(queue).dlq holds exactly the malformed events")
                }
                let after = try await Self.fingerprint(db, configuration.schema)
                #expect(after == before, "nothing changed in \(service): \(after.filter { before[$0.key] != $0.value }) was \(before.filter { after[$0.key] != $0.value })")
                for queue in queues {
                    let messages = sent[queue]!
                    let parked = try await BrokerAdmin.takeMatching(amqp, queue: queue + ".dlq", ids: Set(messages.map(\.messageId)))
                    #expect(Set(parked.compactMap(\.messageId)) == Set(messages.map(\.messageId)))
                    for letter in parked.map(DeadLetter.init) {
                        let flaw = messages.first { $0.messageId == letter.messageId }?.flaw ?? "?"
                        #expect(letter.queue == queue && letter.reason == "rejected", "\(flaw)")
                        #expect(!(letter.rejection ?? "").isEmpty, "\(queue): \(flaw) parked without its reason")
                    }
                }

                // Still up, and still consuming: a valid event on each queue is applied.
                #expect(try await client.execute(uri: "/health", method: .get) { $0.status } == .ok)
                for queue in queues {
                    let (id, message) = try Self.validEvent(for: queue)
                    #expect(try await publisher.publish([message]) == [.acked])
                    try await waitUntil(timeout: .seconds(30)) {
                        try await db.query("""
                            SELECT 1 FROM \(unescaped: configuration.schema).inbox WHERE consumer = \(queue) AND message_id = \(id)
                            """).collect().count == 1
                    }
                    let depth = await BrokerAdmin.queueDepth(amqp, queue: queue + ".dlq")
                    #expect(depth == baseline[queue]!, "\(queue): valid event not parked (\(depth ?? -1) vs \(baseline[queue]!))")
                }
                await running.stop()
            }
        }
    }

    /// The hostile suite's tool: `ece-bench poison` publishes 1,000 malformed events across every
    /// consumed queue while the four consuming services run, and finds each one in its queue's
    /// dead-letter queue with the consumer's reason (exit 0, `POISON OK`).
    @Test func eceBenchPoisonFindsAThousandMalformedEventsInTheDeadLetterQueues() async throws {
        let builds = ["correction", "gateway", "inscriptions", "missions"].compactMap { name in
            HealthTests.services.first { $0.name == name }
        }
        try await Self.withServices(builds, from: 0) {
            let tool = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ece-bench")
            let path = FileManager.default.isExecutableFile(atPath: tool.path) ? tool.path
                : LocalInfrastructure.repositoryRoot.appendingPathComponent(".build/debug/ece-bench").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["poison", "--count", "1000", "--timeout", "120"]
            process.environment = ProcessInfo.processInfo.environment.merging(["AMQP_URL": LocalInfrastructure.amqpURL]) { $1 }
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: try await Task.detached { pipe.fileHandleForReading.readDataToEndOfFile() }.value,
                                as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0 && output.contains("POISON OK"), "\(output)")
            #expect(output.contains("1000 malformed events published to 8 queues"), "\(output)")
        }
    }

    /// Runs `body` while the services from `index` on run (each healthy first).
    static func withServices(_ builds: [(name: String, port: Int, build: HealthTests.Builder)], from index: Int,
                             _ body: @escaping @Sendable () async throws -> Void) async throws {
        guard index < builds.count else { return try await body() }
        let app = try await builds[index].build(HealthTests.configuration(builds[index].name, builds[index].port))
        try await app.test(.live) { client in
            try await waitUntil(timeout: .seconds(60)) {
                try await client.execute(uri: "/health", method: .get) { $0.status } == .ok
            }
            try await withServices(builds, from: index + 1, body)
        }
    }

    /// The payload checks alone, without a broker: every flaw the generator makes is refused by the
    /// contract or the envelope, none traps.
    @Test func everyGeneratedFlawIsRefusedByTheEnvelopeOrTheContract() throws {
        for (queue, types) in PoisonEvents.consumers {
            for message in PoisonEvents.messages(for: queue, count: 80) {
                let amqp = AMQPMessage(body: message.body, messageId: message.messageId, type: message.type,
                                       correlationId: message.correlationId, routingKey: queue, exchange: "",
                                       redelivered: false, deliveryTag: 0, headers: [:], userId: message.userId)
                var refused = false
                do {
                    let event = try IncomingEvent(message: amqp)
                    if EventOwners.problem(type: event.type, userId: amqp.userId) != nil { throw EventRejected("stray") }
                    switch event.type {
                    case AffectationsPublished.eventType: _ = try event.payload(as: AffectationsPublished.self)
                    case ConvocationIssued.eventType: _ = try event.payload(as: ConvocationIssued.self)
                    case ConvocationCancelled.eventType: _ = try event.payload(as: ConvocationCancelled.self)
                    case SujetPublished.eventType: _ = try event.payload(as: SujetPublished.self)
                    case SujetWithdrawn.eventType: _ = try event.payload(as: SujetWithdrawn.self)
                    case EpreuveClosed.eventType: _ = try event.payload(as: EpreuveClosed.self)
                    case IntervenantsExported.eventType: _ = try event.payload(as: IntervenantsExported.self)
                    case LotUnlocked.eventType: _ = try event.payload(as: LotUnlocked.self)
                    case MessagePosted.eventType: _ = try event.payload(as: MessagePosted.self)
                    default: refused = !types.contains(event.type)
                    }
                } catch is EventRejected {
                    refused = true
                }
                #expect(refused, "\(queue): \(message.flaw) accepted")
            }
        }
    }

    // MARK: helpers

    /// A valid event for `queue` that its consumer records in its inbox (session 2099: no real data touched).
    static func validEvent(for queue: String) throws -> (UUID, OutgoingMessage) {
        let login = "poison.\(UUID().uuidString.prefix(8).lowercased())"
        let person = Intervenant(id: UUID(), login: login, nom: "Valide", prenom: "Val", uai: "0251080N")
        func message<P: EventPayload>(_ payload: P) throws -> (UUID, OutgoingMessage) {
            let envelope = EventEnvelope(producer: "test", correlationId: "poison-valid", payload: payload)
            return (envelope.id, OutgoingMessage(routingKey: queue, body: try EventCoding.encoder.encode(envelope),
                                                 messageId: envelope.id.uuidString, type: P.eventType, correlationId: "poison-valid",
                                                 userId: EventOwners.byType[P.eventType]))
        }
        let closed = EpreuveClosed(closureId: UUID(), session: 2099, academie: "03", epreuve: "T011B", centreUAI: "0251080N",
                                   chunk: 1, chunks: 1, notes: [], servicesFaits: [])
        switch queue {
        case "correction.candidats":
            return try message(AffectationsPublished(publicationId: UUID(), session: 2099, academie: "03", epreuve: "T011B",
                                                     centreUAI: "0251080N", chunk: 1, chunks: 1, candidats: []))
        case "correction.convocations":
            return try message(ConvocationCancelled(convocationId: UUID(), missionId: UUID(), intervenantId: UUID()))
        case "correction.sujets":
            return try message(SujetWithdrawn(sujetId: UUID(), epreuve: "T011B", session: 2099))
        case "gateway.convocations":
            return try message(ConvocationIssued(convocationId: UUID(), missionId: UUID(), kind: .examinateur, session: 2099,
                                                 epreuve: "T011B", academie: "03", centreUAI: "0251080N", intervenant: person,
                                                 activationCodeSHA256: ActivationCode.sha256(ActivationCode.generate())))
        case "inscriptions.notes", "missions.services-faits":
            return try message(closed)
        case "missions.avis":
            return try message(LotUnlocked(lotId: UUID(), session: 2099, academie: "03", epreuve: "T011B", centreUAI: "0251080N",
                                           motif: "Erreur de saisie", by: UUID(), examinateurs: []))
        case "missions.exports":
            return try message(IntervenantsExported(session: 2099, academie: "03", epreuve: "T011B", role: .examinateur,
                                                    centreUAI: "0251080N", exportVersion: Int64(Date().timeIntervalSince1970 * 1000),
                                                    intervenants: []))
        default:
            throw EventRejected("no valid event for \(queue)")
        }
    }

    static func withDatabase(_ configuration: ServiceConfiguration, _ body: (PostgresClient) async throws -> Void) async throws {
        try await withPostgresClient(try DatabaseConfiguration.client(url: configuration.databaseURL), logger: Logger(label: "test"), body)
    }

    /// Each table's row count and newest row version (`xmin`): any insert, update or delete moves
    /// it. The outbox counts rows only (its relay marks rows sent in the background).
    static func fingerprint(_ client: PostgresClient, _ schema: String) async throws -> [String: String] {
        var tables: [String] = []
        for try await name in try await client.query("""
            SELECT table_name::text FROM information_schema.tables WHERE table_schema = \(schema) AND table_type = 'BASE TABLE'
            """).decode(String.self) {
            tables.append(name)
        }
        var result: [String: String] = [:]
        for table in tables {
            let version = table == "outbox" ? "0" : "coalesce(max(xmin::text::bigint), 0)"
            let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::bigint, \(version)::bigint FROM \(schema).\(table)"))
            for try await (count, newest) in rows.decode((Int64, Int64).self) { result[table] = "\(count)/\(newest)" }
        }
        return result
    }
}
