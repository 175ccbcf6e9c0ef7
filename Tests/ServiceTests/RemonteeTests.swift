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
@testable import Correction
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

        try await InscriptionsTests.withService { client, service in
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
            let skipped = try await Processed.duplicatesSkipped(by: service)
            try await waitUntil { try await Self.publish(publisher, envelope) == .acked }
            #expect(try await Self.publish(publisher, envelope) == .acked)
            try await waitUntil { (try await remontee()?.manquants ?? 0) == before.manquants - 3 }
            try await Processed.duplicates(atLeast: skipped + 1, skippedBy: service)
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

            // The jury reads each candidate's grade in force, and the same in its CSV file; no one else.
            struct Notes: Decodable { var items: [Note]; struct Note: Decodable { var numero: String; var resultat: String; var demiPoints: Int?
                var remplacees: Int } }
            func lire(_ path: String, as identity: Identity = Self.besancon) async throws -> TestResponse {
                try await client.execute(uri: "/api/inscriptions/sessions/\(InscriptionsTests.session)/\(path)", method: .get,
                                         headers: [.authorization: "Bearer \(try await TestKeys.token(identity))"])
            }
            let notes = try JSONDecoder().decode(Notes.self, from: try await lire("notes?epreuve=T011B&centre=0251080N&perPage=1000").body)
                .items.filter { $0.numero.hasPrefix(p) }
            #expect(notes.map(\.numero) == ["\(p)1", "\(p)2", "\(p)3"])
            #expect(notes.first?.demiPoints == 30 && notes.first?.remplacees == 1 && notes[1].resultat == "absent_injustifie" && notes[1].demiPoints == 0)
            let csv = String(buffer: try await lire("notes.csv?epreuve=T011B").body)
            #expect(csv.hasPrefix("\u{FEFF}numero;nom;prenoms;epreuve;centre;resultat;note_sur_20;version_cloture;notes_remplacees;historique\r\n"))
            // The last columns count the replaced grades and list them (the versions are checked end to end below).
            let lignes = csv.split(separator: "\r\n").filter { $0.hasPrefix(p) }
            #expect(lignes.count == 3 && lignes[0].hasPrefix("\(p)1;Martin;Léa;T011B;0251080N;note;15;") && lignes[0].contains(";1;note "))
            #expect(lignes[2].hasPrefix("\(p)3;Martin;Léa;T011B;0251080N;note;20;") && lignes[2].hasSuffix(";0;"))
            let paris = Identity(userId: UUID(), login: "gest.01", role: .gestionnaire, scope: .academie("01"))
            #expect(!String(buffer: try await lire("notes?epreuve=T011B", as: paris).body).contains(p), "another académie's candidates")
            // A school reads its own pupils' grades, never another school's (issue 21 item 5).
            let sienne = Identity(userId: UUID(), login: "etab.0251671F", role: .etablissement, scope: .etablissement("0251671F"))
            let eleves = try JSONDecoder().decode(Notes.self, from: try await lire("notes?epreuve=T011B&perPage=1000", as: sienne).body)
                .items.filter { $0.numero.hasPrefix(p) }
            #expect(eleves.map(\.numero) == ["\(p)1", "\(p)2", "\(p)3"] && eleves.first?.demiPoints == 30)
            let autre = Identity(userId: UUID(), login: "etab", role: .etablissement, scope: .etablissement("0251080N"))
            #expect(!String(buffer: try await lire("notes?epreuve=T011B&perPage=1000", as: autre).body).contains(p), "another school's pupils")
            #expect(!String(buffer: try await lire("notes.csv", as: autre).body).contains(p))
            #expect(try await lire("notes?uai=0251671F", as: autre).status == .forbidden)
            #expect(try await lire("notes.csv?uai=0251671f", as: autre).status == .forbidden)
            let centre = Identity(userId: UUID(), login: "centre", role: .centre, scope: .etablissement("0251080N"))
            #expect(try await lire("notes", as: centre).status == .forbidden, "a centre sees counts only")
            #expect(try await lire("notes?epreuve=T011B%0D%0AX:1").status == .badRequest)

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

    /// Official grades never go back, end to end (issue 18, item 4): a centre closes through
    /// Correction's API behind the gateway, the gestionnaire reopens, the grades change, the centre
    /// closes again; Inscriptions holds only the re-closure's grades (the first ones in the history).
    /// Then the first closure's chunk comes back — redelivered as it was, and replayed by an operator
    /// from `inscriptions.notes.dlq` — and no grade moves.
    @Test func aReopenedAndReclosedExamKeepsTheNewestGradesThroughReplays() async throws {
        let session = CorrectionTests.session
        let centre = try await CorrectionTests.makeCentre()
        let centreId = Identity(userId: UUID(), login: "centre.\(centre)", role: .centre, scope: .etablissement(centre))
        let gestionnaire = CorrectionTests.besancon
        let p = "K\(UUID().uuidString.prefix(6))"
        let login = "\(p.lowercased()).exam"
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let publisher = AMQPPublisher(configuration: amqp, appId: "referentiel", logger: Logger(label: "test"))
        let running = Running(publisher)
        let inscriptions = HealthTests.configuration("inscriptions", 8081)

        try await CorrectionTests.withPlatform { h in
            let ins = "/api/inscriptions/sessions/\(session)"
            let mis = "/api/missions/sessions/\(session)"
            let commission = "/api/correction/sessions/\(session)/epreuves/T011B/centres/\(centre)"

            // Cyclades: two candidates assigned to the centre and published; one examiner designated.
            let csv = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"]
                + (1...2).map { "\(p)\($0);Martin;Léa;01/01/2008;scolaire;0251671F;T2;BCG;T011B" }).joined(separator: "\n")
            #expect(try await InscriptionsTests.upload(h.client, csv).status == .ok)
            let assignments = (1...2).map { #"{"numero":"\#(p)\#($0)","epreuve":"T011B","centre":"\#(centre)"}"# }
            #expect(try await h.call(.post, "\(ins)/affectations", #"{"affectations":[\#(assignments.joined(separator: ","))]}"#,
                                     as: gestionnaire).status == .ok)
            #expect(try await h.call(.post, "\(ins)/affectations/publish?epreuve=T011B", as: gestionnaire).status == .ok)
            let designation = #"{"role":"examinateur","epreuve":"T011B","centre":"\#(centre)","intervenant":{"login":"\#(login)","nom":"Prof","prenom":"Test","uai":"0250007X","divisions":["T5"]}}"#
            #expect(try await h.call(.post, "\(ins)/designations", designation, as: gestionnaire).status == .created)

            // Imag'In convokes the examiner; Référentiel publishes four subjects.
            #expect(try await h.call(.post, "\(mis)/reglementation", as: gestionnaire).status == .ok)
            #expect(try await h.call(.put, "\(mis)/parametres", #"{"dateDebut":"2099-06-01","dateFin":"2099-06-12"}"#,
                                     as: gestionnaire).status == .ok)
            var mission: CorrectionTests.MissionList.Detail?
            try await waitUntil {
                _ = try await h.call(.post, "\(mis)/ouverture", as: gestionnaire)
                mission = try await h.decode(CorrectionTests.MissionList.self, .get, "\(mis)/missions?centre=\(centre)&epreuve=T011B",
                                             as: gestionnaire).items.first
                return mission?.intervenants.count == 1
            }
            let examinerId = try #require(mission?.intervenants.first?.id)
            #expect(try await h.call(.post, "/api/missions/missions/\(mission!.mission.id)/convocations",
                                     #"{"intervenantId":"\#(examinerId)"}"#, as: gestionnaire).status == .created)
            let examiner = Identity(userId: examinerId, login: login, role: .examinateur, scope: .academie("03"))
            var sujets: [UUID] = []
            try await waitUntil { publisher.isConnected }
            for (i, dominante) in ["physique", "physique", "chimie", "chimie"].enumerated() {
                let sujet = SujetPublished(sujetId: UUID(), epreuve: "T011B", session: session, code: "\(p)-S\(i)", titre: "Situation \(i)",
                                           dominante: dominante, materiel: [], baremeVersion: 1, bareme: CorrectionTests.bareme,
                                           document: DocumentRef(path: "/sujets/\(i).pdf", sha256: String(repeating: "0", count: 64), taille: 10),
                                           visibleFrom: Date().addingTimeInterval(-60))
                sujets.append(sujet.sujetId)
                try await MissionsTests.publish(publisher, EventEnvelope(producer: "referentiel", correlationId: p, payload: sujet))
            }

            // Santorin: the examiner's room, a morning with the four subjects, both candidates in it.
            try await waitUntil {
                let response = try await h.call(.get, "\(commission)/examinateurs", as: centreId)
                guard response.status == .ok else { return false }
                return try JSONDecoder().decode(CorrectionTests.Examinateurs.self, from: response.body).items.count == 1
            }
            try await waitUntil {
                let response = try await h.call(.get, "\(commission)/sujets", as: centreId)
                let body = String(buffer: response.body).uppercased()
                return response.status == .ok && sujets.allSatisfy { body.contains($0.uuidString) }
            }
            let groupe = try await h.decode(CorrectionTests.Created.self, .post, "\(commission)/groupes",
                                            #"{"nom":"Salle 1","membres":["\#(examinerId)"]}"#, as: centreId, expect: .created).id
            let morning = #"{"jour":"2099-06-02","demiJournee":"matin","sujets":[\#(sujets.map { "\"\($0)\"" }.joined(separator: ","))]}"#
            let slot = try await h.decode(CorrectionTests.Created.self, .post, "\(commission)/creneaux", morning, as: centreId,
                                          expect: .created).id
            let fiches = try await h.decode(CorrectionTests.Fiches.self, .get, "\(commission)/fiches", as: centreId).items
            #expect(fiches.count == 2)
            let ids = fiches.map { "\"\($0.id)\"" }.joined(separator: ",")
            #expect(try await h.call(.post, "\(commission)/creneaux/\(slot)/candidats", #"{"fiches":[\#(ids)]}"#, as: centreId).status == .ok)
            #expect(try await h.call(.post, "\(commission)/distribution", #"{"fiches":[\#(ids)],"groupeId":"\#(groupe)"}"#,
                                     as: centreId).status == .ok)
            let (x, y) = (try #require(fiches.first { $0.numero == "\(p)1" }).id, try #require(fiches.first { $0.numero == "\(p)2" }).id)

            // The candidates with their centre and slot, as a file: the académie's gestionnaire and the centre; not another académie.
            let fichier = String(buffer: try await h.call(.get, "/api/correction/sessions/\(session)/candidats.csv?epreuve=T011B",
                                                          as: gestionnaire).body)
            #expect(fichier.hasPrefix("\u{FEFF}numero;nom;prenoms;etablissement_origine;epreuve;centre;jour;demi_journee\r\n"))
            let lignes = fichier.split(separator: "\r\n").filter { $0.hasPrefix(p) }
            #expect(lignes == ["\(p)1;Martin;Léa;0251671F;T011B;\(centre);2099-06-02;matin", "\(p)2;Martin;Léa;0251671F;T011B;\(centre);2099-06-02;matin"])
            #expect(String(buffer: try await h.call(.get, "/api/correction/sessions/\(session)/candidats.csv", as: centreId).body)
                .contains("\(p)1;Martin"))
            let paris = Identity(userId: UUID(), login: "gest.01", role: .gestionnaire, scope: .academie("01"))
            #expect(!String(buffer: try await h.call(.get, "/api/correction/sessions/\(session)/candidats.csv", as: paris).body).contains(p))
            let ecoleDesCandidats = Identity(userId: UUID(), login: "etab.0251671F", role: .etablissement, scope: .etablissement("0251671F"))
            #expect(try await h.call(.get, "/api/correction/sessions/\(session)/candidats.csv", as: ecoleDesCandidats).status == .forbidden)

            // First closure: X graded, Y absent without excuse.
            let now = ISO8601DateFormatter().string(from: Date())
            let grid = #""grille":{"evaluations":[{"code":"APP","evaluation":{"type":"niveau","niveau":"A"}},{"code":"REA","evaluation":{"type":"niveau","niveau":"A"}},{"code":"VAL","evaluation":{"type":"niveau","niveau":"B"}}],"appels":[{"code":"A1","heure":"\#(now)"}]}"#
            let drawn = try await h.decode(CorrectionTests.Fiche.self, .post, "/api/correction/fiches/\(x)/tirage", #"{"version":0}"#,
                                           as: examiner)
            let graded = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(x)",
                                            #"{"version":\#(drawn.version),\#(grid),"finaliser":true}"#, as: examiner)
            let firstGrade = try #require(graded.noteFinale)
            _ = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(y)",
                                   #"{"version":0,"absence":"injustifiee"}"#, as: examiner)
            #expect(try await h.call(.post, "/api/correction/groupes/\(groupe)/verrouillage", as: examiner).status == .ok)
            _ = try await h.decode(CorrectionTests.Cloture.self, .post, "\(commission)/cloture", as: centreId)

            try await withServiceDatabase(inscriptions, migrations: inscriptionsMigrations) { db, schema, logger in
                let repository = InscriptionsRepository(client: db, schema: schema, logger: logger)
                let candidats = try await db.query("""
                    SELECT numero, id FROM \(unescaped: schema.name).candidats WHERE numero LIKE \(p + "%") ORDER BY numero
                    """, logger: logger).collect().map { try $0.decode((String, UUID).self).1 }
                #expect(candidats.count == 2)
                func grades() async throws -> [String] {
                    var found: [String] = []
                    for candidat in candidats {
                        let note = try await repository.note(candidat: candidat, epreuve: "T011B")
                        found.append(note.map { "\($0.resultat) \($0.demiPoints.map(String.init) ?? "-")" } ?? "none")
                    }
                    return found
                }
                func cloture() async throws -> (version: Int, ignored: Int)? {
                    try await db.query("""
                        SELECT closure_version, chunks_ignores FROM \(unescaped: schema.name).clotures
                        WHERE session = \(session) AND epreuve = 'T011B' AND centre = \(centre)
                        """, logger: logger).collect().first?.decode((Int, Int).self)
                }
                try await waitUntil { try await grades() == ["note \(firstGrade)", "absent_injustifie 0"] }
                #expect(try await cloture()?.version == 1)

                // The gestionnaire reopens; the centre unlocks; X's grade is adjusted, Y's absence excused.
                #expect(try await h.call(.post, "\(commission)/cloture", as: centreId).status == .conflict, "closed is closed")
                #expect(try await h.call(.post, "\(commission)/reouverture", #"{"motif":"Erreur de saisie"}"#, as: gestionnaire).status
                        == .noContent)
                #expect(try await h.call(.post, "/api/correction/groupes/\(groupe)/deverrouillage", #"{"motif":"Erreur de saisie"}"#,
                                         as: centreId).status == .noContent)
                let current = try await h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(x)", as: examiner)
                let adjusted = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(x)",
                                                  #"{"version":\#(current.version),\#(grid),"finaliser":true,"noteFinale":\#(firstGrade == 30 ? 31 : 30),"motifAjustement":"Erreur de saisie"}"#,
                                                  as: examiner)
                let secondGrade = try #require(adjusted.noteFinale)
                #expect(secondGrade != firstGrade)
                let stillAbsent = try await h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(y)", as: examiner)
                #expect(stillAbsent.statut == "absent")
                _ = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(y)",
                                       #"{"version":\#(stillAbsent.version),"absence":"justifiee"}"#, as: examiner)
                #expect(try await h.call(.post, "/api/correction/groupes/\(groupe)/verrouillage", as: examiner).status == .ok)
                _ = try await h.decode(CorrectionTests.Cloture.self, .post, "\(commission)/cloture", as: centreId)

                let newest = ["note \(secondGrade)", "absent_justifie -"]
                try await waitUntil { try await grades() == newest }
                #expect(try await cloture()?.version == 2)
                #expect(try await repository.note(candidat: candidats[0], epreuve: "T011B")?.remplacees == 1, "the first grade in the history")

                // The pupils' school reads the grade in force with its closure version, and the replaced one (issue 21 item 5).
                struct Notes: Decodable { var items: [Note]
                    struct Note: Decodable { var numero: String; var demiPoints: Int?; var versionCloture: Int?; var historique: [Remplacee] }
                    struct Remplacee: Decodable { var resultat: String; var demiPoints: Int?; var remplaceeLe: Date } }
                let ecole = Identity(userId: UUID(), login: "etab.0251671F", role: .etablissement, scope: .etablissement("0251671F"))
                let lues = try JSONDecoder.iso.decode(Notes.self, from: try await h.call(
                    .get, "\(ins)/notes?epreuve=T011B&centre=\(centre)&perPage=1000", as: ecole).body).items.filter { $0.numero.hasPrefix(p) }
                #expect(lues.map(\.numero) == ["\(p)1", "\(p)2"])
                #expect(lues.first?.demiPoints == secondGrade && lues.first?.versionCloture == 2)
                #expect(lues.first?.historique.map(\.demiPoints) == [firstGrade] && lues.first?.historique.first?.resultat == "note")
                #expect(lues.last?.historique.map(\.resultat) == ["absent_injustifie"])
                let autreEcole = Identity(userId: UUID(), login: "etab.0250007X", role: .etablissement, scope: .etablissement("0250007X"))
                #expect(!String(buffer: try await h.call(.get, "\(ins)/notes?epreuve=T011B&centre=\(centre)", as: autreEcole).body).contains(p))
                #expect(try await h.call(.get, "\(ins)/notes?uai=0251671F", as: autreEcole).status == .forbidden)

                // The first closure's chunk, as Correction sent it.
                var sent: [EventEnvelope<EpreuveClosed>] = []
                try await withServiceDatabase(HealthTests.configuration("correction", 8084), migrations: correctionMigrations) {
                    correction, correctionSchema, _ in
                    sent = try await correction.query("""
                        SELECT body FROM \(unescaped: correctionSchema.name).outbox
                        WHERE event_type = 'epreuve.closed' AND body LIKE \("%" + centre + "%")
                        """, logger: logger).collect().map { row in
                        try EventCoding.decoder.decode(EventEnvelope<EpreuveClosed>.self, from: Data(try row.decode(String.self).utf8))
                    }
                }
                #expect(sent.map(\.payload.closureVersion).sorted { ($0 ?? 0) < ($1 ?? 0) } == [1, 2])
                let first = try #require(sent.first { $0.payload.closureVersion == 1 })

                // Redelivered as it was (the inbox knows it), then — as a chunk that had died before being
                // applied — parked in the dead-letter queue under an id of its own and replayed by an operator.
                let rabbit = AMQPPublisher(configuration: amqp, appId: "correction", logger: Logger(label: "test"))
                let relaying = Running(rabbit)
                try await waitUntil { rabbit.isConnected }
                #expect(try await Self.publish(rabbit, first) == .acked)
                await relaying.stop()
                var parked = first
                parked.id = UUID()
                let parker = AMQPPublisher(configuration: amqp, appId: "test", logger: Logger(label: "test"),
                                           exchange: EventTopology.deadLetterExchange)
                let parking = Running(parker)
                try await waitUntil { parker.isConnected }
                #expect(try await parker.publish([OutgoingMessage(routingKey: "inscriptions.notes", body: try EventCoding.encoder.encode(parked),
                                                                  messageId: parked.id.uuidString, type: EpreuveClosed.eventType,
                                                                  correlationId: p, userId: "correction")]) == [.acked])
                await parking.stop()
                let replayed = try await BrokerAdmin.replay(amqp, deadLetterQueue: "inscriptions.notes.dlq", ids: [parked.id.uuidString],
                                                            reason: "test: rejeu après re-clôture", by: "test")
                #expect(replayed.map(\.failure) == [nil], "\(replayed)")
                // Handled (in the inbox, counted as ignored), and no grade moved.
                try await waitUntil {
                    try await db.query("SELECT 1 FROM \(unescaped: schema.name).inbox WHERE message_id = \(parked.id)").collect().count == 1
                }
                #expect(try await grades() == newest, "the re-closure's grades stay")
                let after = try await cloture()
                #expect(after?.version == 2 && (after?.ignored ?? 0) >= 1, "\(String(describing: after))")
                #expect(try await repository.note(candidat: candidats[0], epreuve: "T011B")?.remplacees == 1, "no new history")
            }
        }
        await running.stop()
    }

    /// A spreadsheet never runs a cell as a formula, and a `;` or quote stays inside its cell.
    @Test func csvCellsAreFormulaSafe() {
        #expect(CSV.cellule("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(CSV.cellule("+33") == "'+33" && CSV.cellule("-1") == "'-1" && CSV.cellule("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSV.cellule("Dupont;Martin") == "\"Dupont;Martin\"" && CSV.cellule("Léa") == "Léa")
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
