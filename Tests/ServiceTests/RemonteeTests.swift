import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Shared
import Testing
import TestSupport
@testable import Gateway
@testable import Inscriptions

/// "Remontée des notes" (issue 5): grades sent as `epreuve.closed` appear once, even delivered twice;
/// a re-closure replaces and keeps history; grades for unknown registrations are parked, not lost.
@Suite(.serialized) struct RemonteeTests {
    static let besancon = InscriptionsTests.besancon

    struct Candidats: Decodable {
        var items: [Item]
        struct Item: Decodable { var id: UUID; var numero: String }
    }

    struct Remontee: Decodable {
        var items: [Ligne]
        struct Ligne: Decodable { var centre: String; var epreuve: String; var affectes: Int; var notes: Int; var absents: Int; var manquants: Int; var candidatsManquants: [String] }
    }

    static func publish(_ publisher: AMQPPublisher, _ envelope: EventEnvelope<EpreuveClosed>) async throws -> PublishOutcome {
        try await publisher.publish([OutgoingMessage(
            routingKey: EpreuveClosed.eventType, body: try EventCoding.encoder.encode(envelope),
            messageId: envelope.id.uuidString, type: EpreuveClosed.eventType, correlationId: envelope.correlationId,
            userId: EventOwners.byType[EpreuveClosed.eventType])])[0]
    }

    @Test func gradesArriveOnceAreReplacedWithHistoryAndUnknownOnesAreParked() async throws {
        let p = "R\(UUID().uuidString.prefix(6))"
        let file = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"]
            + (1...5).map { "\(p)\($0);Martin;Léa;01/01/2008;scolaire;0251671F;T1;BCG;T011B" }).joined(separator: "\n")
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let publisher = AMQPPublisher(configuration: amqp, appId: "correction", logger: Logger(label: "test"))
        let running = Running(publisher)
        let token = try await TestKeys.token(Self.besancon)
        let configuration = HealthTests.configuration("inscriptions", 8081)

        try await InscriptionsTests.withPlatform { client in
            #expect(try await InscriptionsTests.upload(client, file).status == .ok)
            let assignments = (1...5).map { #"{"numero":"\#(p)\#($0)","epreuve":"T011B","centre":"0251080N"}"# }
            #expect(try await InscriptionsTests.post(client, "affectations", #"{"affectations":[\#(assignments.joined(separator: ","))]}"#,
                                                     as: Self.besancon).status == .ok)
            let list = try await client.execute(uri: "/api/inscriptions/sessions/\(InscriptionsTests.session)/candidats?uai=0251671F&perPage=1000",
                                                method: .get, headers: [.authorization: "Bearer \(token)"])
            let ids = Dictionary(uniqueKeysWithValues: try JSONDecoder().decode(Candidats.self, from: list.body).items
                .filter { $0.numero.hasPrefix(p) }.map { ($0.numero, $0.id) })
            #expect(ids.count == 5)

            func remontee() async throws -> Remontee.Ligne? {
                let response = try await client.execute(
                    uri: "/api/inscriptions/sessions/\(InscriptionsTests.session)/remontee?centre=0251080N&epreuve=T011B",
                    method: .get, headers: [.authorization: "Bearer \(token)"])
                return try JSONDecoder().decode(Remontee.self, from: response.body).items.first
            }
            let before = try #require(try await remontee())
            #expect(before.candidatsManquants.contains("\(p)1"))

            // Closure A: three results, the same message delivered twice.
            let closureA = EpreuveClosed(
                closureId: UUID(), session: InscriptionsTests.session, academie: "03", epreuve: "T011B", centreUAI: "0251080N",
                chunk: 1, chunks: 1,
                notes: [NoteCandidat(candidatId: ids["\(p)1"]!, numero: "\(p)1", resultat: .note(demiPoints: 27)),
                        NoteCandidat(candidatId: ids["\(p)2"]!, numero: "\(p)2", resultat: .absentInjustifie),
                        NoteCandidat(candidatId: ids["\(p)3"]!, numero: "\(p)3", resultat: .note(demiPoints: 40))],
                servicesFaits: [ServiceFait(intervenantId: UUID(), missionId: nil, candidatsEvalues: 3)])
            let envelope = EventEnvelope(producer: "correction", correlationId: "close-\(p)", payload: closureA)
            try await waitUntil { publisher.isConnected }
            try await waitUntil { try await Self.publish(publisher, envelope) == .acked }
            #expect(try await Self.publish(publisher, envelope) == .acked)
            try await waitUntil { (try await remontee()?.manquants ?? 0) == before.manquants - 3 }
            try await Task.sleep(for: .seconds(1))
            let after = try #require(try await remontee())
            #expect(after.notes == before.notes + 2 && after.absents == before.absents + 1)
            #expect(after.manquants == before.manquants - 3, "each grade counted once despite the double delivery")
            #expect(!after.candidatsManquants.contains("\(p)1") && after.candidatsManquants.contains("\(p)4"))

            // Closure B re-closes with a corrected mark: replaced, and the old one kept.
            var closureB = closureA
            closureB.closureId = UUID()
            closureB.notes = [NoteCandidat(candidatId: ids["\(p)1"]!, numero: "\(p)1", resultat: .note(demiPoints: 30))]
            #expect(try await Self.publish(publisher, EventEnvelope(producer: "correction", correlationId: "reclose", payload: closureB)) == .acked)
            try await withServiceDatabase(configuration, migrations: inscriptionsMigrations) { client, schema, logger in
                let repository = InscriptionsRepository(client: client, schema: schema, logger: logger)
                try await waitUntil { try await repository.note(candidat: ids["\(p)1"]!, epreuve: "T011B")?.demiPoints == 30 }
                let grade = try await repository.note(candidat: ids["\(p)1"]!, epreuve: "T011B")
                #expect(grade?.resultat == "note" && grade?.remplacees == 1)
            }
            #expect(try await remontee()?.notes == after.notes, "a replacement adds no grade")

            // Grades for a registration Cyclades does not know are parked in the DLQ, not applied.
            var unknown = closureA
            unknown.closureId = UUID()
            unknown.notes = [NoteCandidat(candidatId: UUID(), numero: "X", resultat: .note(demiPoints: 20))]
            let parked = EventEnvelope(producer: "correction", correlationId: "unknown", payload: unknown)
            #expect(try await Self.publish(publisher, parked) == .acked)
            let dead = try await readDeadLetters("inscriptions.notes.dlq", id: parked.id.uuidString)
            #expect(dead, "the unknown registration's grade waits in inscriptions.notes.dlq")
        }
        await running.stop()
    }

    /// Official grades never go back (issue 18, item 4): closed (version 1), reopened and re-closed
    /// with other grades (version 2), then a chunk of the first closure is replayed from
    /// `inscriptions.notes.dlq` with the operators' replay: it is handled (acked, counted) and
    /// every grade stays the re-closure's.
    @Test func aReplayedChunkOfAnOlderClosureChangesNoGrade() async throws {
        let p = "V\(UUID().uuidString.prefix(6))"
        let centre = "0251080N"
        let file = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"]
            + (1...2).map { "\(p)\($0);Martin;Léa;01/01/2008;scolaire;0251671F;T1;BCG;T012B" }).joined(separator: "\n")
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let publisher = AMQPPublisher(configuration: amqp, appId: "correction", logger: Logger(label: "test"))
        let running = Running(publisher)
        let token = try await TestKeys.token(Self.besancon)
        let configuration = HealthTests.configuration("inscriptions", 8081)

        try await InscriptionsTests.withPlatform { client in
            #expect(try await InscriptionsTests.upload(client, file).status == .ok)
            let list = try await client.execute(uri: "/api/inscriptions/sessions/\(InscriptionsTests.session)/candidats?uai=0251671F&perPage=1000",
                                                method: .get, headers: [.authorization: "Bearer \(token)"])
            let ids = Dictionary(uniqueKeysWithValues: try JSONDecoder().decode(Candidats.self, from: list.body).items
                .filter { $0.numero.hasPrefix(p) }.map { ($0.numero, $0.id) })
            #expect(ids.count == 2)
            @Sendable func closure(_ version: Int, _ first: Int, _ second: Int) -> EpreuveClosed {
                EpreuveClosed(closureId: UUID(), session: InscriptionsTests.session, academie: "03", epreuve: "T012B",
                              centreUAI: centre, chunk: 1, chunks: 1,
                              notes: [NoteCandidat(candidatId: ids["\(p)1"]!, numero: "\(p)1", resultat: .note(demiPoints: first)),
                                      NoteCandidat(candidatId: ids["\(p)2"]!, numero: "\(p)2", resultat: .note(demiPoints: second))],
                              servicesFaits: [], closureVersion: version)
            }
            try await waitUntil { publisher.isConnected }
            try await withServiceDatabase(configuration, migrations: inscriptionsMigrations) { db, schema, logger in
                let repository = InscriptionsRepository(client: db, schema: schema, logger: logger)
                // Versions above any an earlier run left for this exam × centre.
                let base = try await db.query("""
                    SELECT coalesce(max(closure_version), 0) FROM \(unescaped: schema.name).clotures
                    WHERE session = \(InscriptionsTests.session) AND epreuve = 'T012B' AND centre = \(centre)
                    """).collect().first?.decode(Int.self) ?? 0
                func grades() async throws -> [Int?] {
                    [try await repository.note(candidat: ids["\(p)1"]!, epreuve: "T012B")?.demiPoints,
                     try await repository.note(candidat: ids["\(p)2"]!, epreuve: "T012B")?.demiPoints]
                }
                // First closure, then (after a reopening in Santorin) the re-closure with other grades.
                let first = EventEnvelope(producer: "correction", correlationId: p, payload: closure(base + 1, 20, 24))
                try await waitUntil { try await Self.publish(publisher, first) == .acked }
                try await waitUntil { try await grades() == [20, 24] }
                let second = EventEnvelope(producer: "correction", correlationId: p, payload: closure(base + 2, 30, 10))
                #expect(try await Self.publish(publisher, second) == .acked)
                try await waitUntil { try await grades() == [30, 10] }

                // A chunk of the first closure that had died in the dead-letter queue, replayed by an operator.
                let old = EventEnvelope(producer: "correction", correlationId: p, payload: closure(base + 1, 22, 26))
                let parker = AMQPPublisher(configuration: amqp, appId: "test", logger: Logger(label: "test"),
                                           exchange: EventTopology.deadLetterExchange)
                let parking = Running(parker)
                try await waitUntil { parker.isConnected }
                #expect(try await parker.publish([OutgoingMessage(routingKey: "inscriptions.notes", body: try EventCoding.encoder.encode(old),
                                                                  messageId: old.id.uuidString, type: EpreuveClosed.eventType,
                                                                  correlationId: p, userId: "correction")]) == [.acked])
                await parking.stop()
                let replayed = try await BrokerAdmin.replay(amqp, deadLetterQueue: "inscriptions.notes.dlq", ids: [old.id.uuidString],
                                                            reason: "test: rejeu après re-clôture", by: "test")
                #expect(replayed.map(\.failure) == [nil], "\(replayed)")
                try await waitUntil {
                    try await db.query("SELECT 1 FROM \(unescaped: schema.name).inbox WHERE message_id = \(old.id)").collect().count == 1
                }
                #expect(try await grades() == [30, 10], "the re-closure's grades stay")
                let ignored = try await db.query("""
                    SELECT chunks_ignores, closure_version FROM \(unescaped: schema.name).clotures
                    WHERE session = \(InscriptionsTests.session) AND epreuve = 'T012B' AND centre = \(centre)
                    """).collect().first?.decode((Int, Int).self)
                #expect((ignored?.0 ?? 0) >= 1 && ignored?.1 == base + 2, "\(String(describing: ignored))")
            }
        }
        await running.stop()
    }

    /// Takes messages out of the DLQ until this one shows up (they are this test's own dead letters).
    func readDeadLetters(_ queue: String, id: String) async throws -> Bool {
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let messages = try await BrokerAdmin.take(amqp, queue: queue, count: 100, timeout: 1)
            if messages.contains(where: { $0.messageId == id }) { return true }
        }
        return false
    }
}
