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
@testable import Referentiel

/// The subject bank through the gateway (issue 4), against the real database and broker.
@Suite(.serialized) struct ReferentielTests {
    static let dsii = Identity(userId: UUID(), login: "dsii.test", role: .dsii, scope: .national)

    static func headers(_ identity: Identity = dsii, json: Bool = true) async throws -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(try await TestKeys.token(identity))"]
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    static func body(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(data: try EventCoding.encoder.encode(value))
    }

    /// A unique subject code per run, so runs never collide in the shared schema.
    static func code(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8))" }

    struct Created: Decodable {
        var id: UUID
        var statut: String
        var baremes: [Version]?
        struct Version: Decodable { var version: Int; var valide: Bool; var bareme: Bareme }
    }

    /// Referentiel and the gateway in front of it.
    static func withPlatform(_ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let referentiel = try await Referentiel.buildApplication(HealthTests.configuration("referentiel", 8083))
        try await referentiel.test(.live) { service in
            let gateway = try await Gateway.buildApplication(HealthTests.configuration(
                "gateway", 8080, ["REFERENTIEL_URL": "http://127.0.0.1:\(service.port!)"]))
            try await gateway.test(.live) { client in try await test(client) }
        }
    }

    static func createPublished(_ client: some TestClientProtocol, _ input: SujetInput, _ bareme: Bareme,
                                visibleFrom: String = "2027-06-01T08:00:00Z", examinateur: Bool = false) async throws -> UUID {
        let h = try await headers()
        let created = try await client.execute(uri: "/api/referentiel/sujets", method: .post, headers: h, body: try body(input))
        #expect(created.status == .created, "\(String(buffer: created.body))")
        let id = try JSONDecoder().decode(Created.self, from: created.body).id
        let pdf = ByteBuffer(bytes: DemoPDF.make(input.titre))
        let upload = try await client.execute(uri: "/api/referentiel/sujets/\(id)/documents/sujet?nom=\(input.code).pdf",
                                              method: .put, headers: try await headers(json: false), body: pdf)
        #expect(upload.status == .ok, "\(String(buffer: upload.body))")
        if examinateur {
            let sheet = try await client.execute(uri: "/api/referentiel/sujets/\(id)/documents/examinateur", method: .put,
                                                 headers: try await headers(json: false), body: ByteBuffer(bytes: DemoPDF.make("Examinateur")))
            #expect(sheet.status == .ok, "\(String(buffer: sheet.body))")
        }
        let saved = try await client.execute(uri: "/api/referentiel/sujets/\(id)/bareme", method: .put, headers: h,
                                             body: try body(bareme))
        #expect(saved.status == .ok, "\(String(buffer: saved.body))")
        let validated = try await client.execute(uri: "/api/referentiel/sujets/\(id)/validate", method: .post, headers: h)
        #expect(validated.status == .ok, "\(String(buffer: validated.body))")
        let published = try await client.execute(uri: "/api/referentiel/sujets/\(id)/publish", method: .post, headers: h,
                                                 body: ByteBuffer(string: #"{"visibleFrom":"\#(visibleFrom)"}"#))
        #expect(published.status == .ok, "\(String(buffer: published.body))")
        #expect(try JSONDecoder().decode(Created.self, from: published.body).statut == "publie")
        return id
    }

    @Test func dsiiPublishesASubjectOfEachExamAndEachEventArrivesOnce() async throws {
        // A test consumer of sujet.published, in its own schema, recording what it receives.
        let recorder = try await RecordingConsumer(type: SujetPublished.eventType, columns: "message_id uuid, sujet_id uuid") {
            event, connection, logger, table in
            let sujet = try event.payload(as: SujetPublished.self)
            #expect(sujet.bareme.validate().isEmpty && sujet.document.taille > 0)
            try await connection.query("INSERT INTO \(unescaped: table) VALUES (\(event.id), \(sujet.sujetId))", logger: logger)
        }
        let table = recorder.table
        let harness = recorder.harness

        let examples: [(String, String?, Bareme)] = [
            ("T011B", "chimie", DemoData.physiqueChimie), ("T012B", nil, DemoData.svt), ("T010B", nil, DemoData.nsi),
            ("T029B", nil, DemoData.stl), ("T030B", "physique", DemoData.stl),
        ]
        let ids = SendableBox<[UUID]>([])
        try await Self.withPlatform { client in
            for (epreuve, dominante, bareme) in examples {
                let input = SujetInput(epreuve: epreuve, session: 2099, code: Self.code(epreuve), titre: "Sujet de test \(epreuve)",
                                       dominante: dominante, materiel: ["paillasse"])
                ids.value.append(try await Self.createPublished(client, input, bareme))
            }
            // The relay publishes while the service runs: wait here until every event is received.
            try await waitUntil(timeout: .seconds(30)) {
                let rows = try await harness.client.query(
                    "SELECT count(*)::int FROM \(unescaped: table) WHERE sujet_id = ANY(\(ids.value))")
                for try await n in rows.decode(Int.self) { return n >= examples.count }
                return false
            }
        }
        // Every sujet.published Referentiel committed for these subjects reached the consumer: none still to come.
        let events = try await Processed.outbox(of: "referentiel", where: "event_type = 'sujet.published' AND ("
            + ids.value.map { "body ILIKE '%\($0.uuidString)%'" }.joined(separator: " OR ") + ")")
        #expect(events.count >= ids.value.count)
        try await Processed.inbox(events, client: harness.client, schema: harness.schema.name)
        let rows = try await harness.client.query(PostgresQuery(unsafeSQL: "SELECT sujet_id, count(*)::int FROM \(table) GROUP BY sujet_id"))
        var received: [UUID: Int] = [:]
        for try await (id, n) in rows.decode((UUID, Int).self) { received[id] = n }
        for id in ids.value { #expect(received[id] == 1, "sujet.published for \(id) exactly once") }

        try await recorder.stop()
    }

    @Test func invalidInputGets422ListingEveryFieldAndChangesNothing() async throws {
        try await Self.withPlatform { client in
            let h = try await Self.headers()
            let bad = #"{"epreuve":"T999X","session":1999,"code":"a b","titre":"","materiel":[""]}"#
            try await client.execute(uri: "/api/referentiel/sujets", method: .post, headers: h, body: ByteBuffer(string: bad)) {
                #expect($0.status == .unprocessableContent)
                #expect($0.headers[.contentType] == "application/problem+json")
                let text = String(buffer: $0.body)
                for field in ["epreuve", "session", "code", "titre", "materiel[0]"] {
                    #expect(text.contains("\"field\":\"\(field)\""), "\(field) in \(text)")
                }
            }
            let noDominant = SujetInput(epreuve: "T011B", session: 2099, code: Self.code("PC"), titre: "Sans dominante",
                                        dominante: nil, materiel: nil)
            try await client.execute(uri: "/api/referentiel/sujets", method: .post, headers: h, body: try Self.body(noDominant)) {
                #expect($0.status == .unprocessableContent)
                #expect(String(buffer: $0.body).contains("\"field\":\"dominante\""))
            }

            // A draft to break things against.
            let input = SujetInput(epreuve: "T012B", session: 2099, code: Self.code("SVT"), titre: "Brouillon", dominante: nil,
                                   materiel: nil)
            let created = try await client.execute(uri: "/api/referentiel/sujets", method: .post, headers: h, body: try Self.body(input))
            let id = try JSONDecoder().decode(Created.self, from: created.body).id
            let duplicate = try await client.execute(uri: "/api/referentiel/sujets", method: .post, headers: h, body: try Self.body(input))
            #expect(duplicate.status == .conflict)

            var broken = DemoData.svt
            broken.criteres[0].poids = 4
            broken.criteres[1].code = "str"
            broken.criteres[2].echelle = .niveaux(ValeursNiveaux(a: Fraction(3, 2)))
            try await client.execute(uri: "/api/referentiel/sujets/\(id)/bareme", method: .put, headers: h, body: try Self.body(broken)) {
                #expect($0.status == .unprocessableContent)
                let text = String(buffer: $0.body)
                for field in ["criteres", "criteres[1].code", "criteres[2].echelle.valeurs.A"] {
                    #expect(text.contains("\"field\":\"\(field)\""), "\(field) in \(text)")
                }
            }
            // The editor's live check gives the same verdict and stores nothing.
            try await client.execute(uri: "/api/referentiel/baremes/verification", method: .post, headers: h, body: try Self.body(broken)) {
                #expect($0.status == .ok)
                struct Verdict: Decodable { var valide: Bool; var sommePoids: Int; var violations: [BaremeViolation] }
                let verdict = try JSONDecoder().decode(Verdict.self, from: $0.body)
                #expect(!verdict.valide && verdict.sommePoids != 20)
                #expect(Set(verdict.violations.map(\.field)).isSuperset(of: ["criteres", "criteres[1].code", "criteres[2].echelle.valeurs.A"]))
            }
            try await client.execute(uri: "/api/referentiel/baremes/verification", method: .post, headers: h, body: try Self.body(DemoData.svt)) {
                #expect(String(buffer: $0.body).contains(#""valide":true"#))
            }
            let other = Identity(userId: UUID(), login: "g", role: .gestionnaire, scope: .academie("03"))
            try await client.execute(uri: "/api/referentiel/baremes/verification", method: .post, headers: try await Self.headers(other),
                                     body: try Self.body(DemoData.svt)) { #expect($0.status == .forbidden) }
            let notPDF = ByteBuffer(string: "<html>not a pdf</html>")
            try await client.execute(uri: "/api/referentiel/sujets/\(id)/documents/sujet", method: .put,
                                     headers: try await Self.headers(json: false), body: notPDF) {
                #expect($0.status == .unprocessableContent)
                #expect(String(buffer: $0.body).contains("\"field\":\"document\""))
            }
            try await client.execute(uri: "/api/referentiel/sujets/\(id)/validate", method: .post, headers: h) {
                #expect($0.status == .unprocessableContent)
                let text = String(buffer: $0.body)
                #expect(text.contains("documents.sujet") && text.contains("\"field\":\"bareme\""), "\(text)")
            }
            // Nothing of the refused writes was stored.
            try await client.execute(uri: "/api/referentiel/sujets/\(id)", method: .get, headers: h) {
                let sujet = try JSONDecoder().decode(Created.self, from: $0.body)
                #expect(sujet.statut == "brouillon" && sujet.baremes?.isEmpty == true)
                #expect(!String(buffer: $0.body).contains("\"nature\":\"sujet\""))
            }
            try await client.execute(uri: "/api/referentiel/sujets?perPage=0", method: .get, headers: h) {
                #expect($0.status == .unprocessableContent)
            }
            // A status outside the document's enum: refused by the generated decoder, a problem too.
            try await client.execute(uri: "/api/referentiel/sujets?statut=nimporte", method: .get, headers: h) {
                #expect($0.status == .badRequest && $0.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test func onlyDsiiWritesAndOthersDoNotRead() async throws {
        try await Self.withPlatform { client in
            let input = SujetInput(epreuve: "T010B", session: 2099, code: Self.code("NSI"), titre: "Interdit", dominante: nil,
                                   materiel: nil)
            for identity in [Identity(userId: UUID(), login: "g", role: .gestionnaire, scope: .academie("03")),
                             Identity(userId: UUID(), login: "c", role: .centre, scope: .etablissement("0251080N")),
                             Identity(userId: UUID(), login: "e", role: .examinateur, scope: .academie("03"))] {
                let h = try await Self.headers(identity)
                let create = try await client.execute(uri: "/api/referentiel/sujets", method: .post, headers: h, body: try Self.body(input))
                #expect(create.status == .forbidden, "\(identity.role) creates")
                let list = try await client.execute(uri: "/api/referentiel/sujets", method: .get, headers: h)
                #expect(list.status == .forbidden, "\(identity.role) lists")
            }
            let admin = Identity(userId: UUID(), login: "a", role: .admin, scope: .national)
            let adminCreate = try await client.execute(uri: "/api/referentiel/sujets", method: .post,
                                                       headers: try await Self.headers(admin), body: try Self.body(input))
            #expect(adminCreate.status == .forbidden, "admin reads but does not write")
            let anonymous = try await client.execute(uri: "/api/referentiel/sujets", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }

    /// Who reads a subject's material list and documents, and when (`LectureSujet`): every role on
    /// a subject under embargo, a visible one, a withdrawn one, an unpublished one and none at all.
    @Test func materialListAndDocumentsByRoleBeforeAndAfterVisibleFrom() async throws {
        try await Self.withPlatform { client in
            func input(_ titre: String) -> SujetInput {
                SujetInput(epreuve: "T011B", session: 2099, code: Self.code("PC"), titre: titre, dominante: "chimie",
                           materiel: ["burette graduée", "pH-mètre"])
            }
            let embargo = try await Self.createPublished(client, input("Sous embargo"), DemoData.physiqueChimie,
                                                         visibleFrom: "2099-06-01T08:00:00Z", examinateur: true)
            let visible = try await Self.createPublished(client, input("Visible"), DemoData.physiqueChimie,
                                                         visibleFrom: "2020-06-01T08:00:00Z", examinateur: true)
            let retire = try await Self.createPublished(client, input("Retiré"), DemoData.physiqueChimie)
            let dsii = try await Self.headers()
            #expect(try await client.execute(uri: "/api/referentiel/sujets/\(retire)/withdraw", method: .post, headers: dsii).status == .ok)
            let valide = try JSONDecoder().decode(Created.self, from: try await client.execute(
                uri: "/api/referentiel/sujets", method: .post, headers: dsii, body: try Self.body(input("Validé"))).body).id
            _ = try await client.execute(uri: "/api/referentiel/sujets/\(valide)/documents/sujet", method: .put,
                                         headers: try await Self.headers(json: false), body: ByteBuffer(bytes: DemoPDF.make("v")))
            _ = try await client.execute(uri: "/api/referentiel/sujets/\(valide)/bareme", method: .put, headers: dsii,
                                         body: try Self.body(DemoData.physiqueChimie))
            #expect(try await client.execute(uri: "/api/referentiel/sujets/\(valide)/validate", method: .post, headers: dsii).status == .ok)

            let ok = HTTPResponse.Status.ok, forbidden = HTTPResponse.Status.forbidden, notFound = HTTPResponse.Status.notFound
            // (material list, subject document, examiner document) per subject, for the three who prepare:
            // the material list before visibleFrom for the centre only, the examiner's sheet (the marking
            // key) never for the centre.
            let absents: [UUID: [HTTPResponse.Status]] = [retire: [notFound, notFound, notFound], valide: [notFound, notFound, notFound],
                                                          UUID(): [notFound, notFound, notFound]]
            let centreAttendus = absents.merging([embargo: [ok, forbidden, forbidden], visible: [ok, ok, forbidden]]) { $1 }
            let correcteur = absents.merging([embargo: [forbidden, forbidden, forbidden], visible: [ok, ok, ok]]) { $1 }
            let roles: [(Role, Scope, [UUID: [HTTPResponse.Status]])] = [
                (.dsii, .national, [embargo: [ok, ok, ok], visible: [ok, ok, ok], retire: [ok, ok, notFound], valide: [ok, ok, notFound],
                                    UUID(): [notFound, notFound, notFound]]),
                (.admin, .national, [embargo: [ok, ok, ok], visible: [ok, ok, ok], retire: [ok, ok, notFound]]),
                (.centre, .etablissement("0251080N"), centreAttendus),
                (.examinateur, .academie("03"), correcteur),
                (.coordinateur, .academie("03"), correcteur),
                (.gestionnaire, .academie("03"), [embargo: [forbidden, forbidden, forbidden], visible: [forbidden, forbidden, forbidden],
                                                   UUID(): [forbidden, forbidden, forbidden]]),
                (.referent, .etablissement("0251080N"), [visible: [forbidden, forbidden, forbidden]]),
                (.etablissement, .etablissement("0251080N"), [visible: [forbidden, forbidden, forbidden]]),
            ]
            for (role, scope, attendus) in roles {
                let h = try await Self.headers(Identity(userId: UUID(), login: "lecteur", role: role, scope: scope))
                for (id, statuts) in attendus {
                    for (suffixe, attendu) in zip(["materiel", "documents/sujet", "documents/examinateur"], statuts) {
                        let reply = try await client.execute(uri: "/api/referentiel/sujets/\(id)/\(suffixe)", method: .get, headers: h)
                        #expect(reply.status == attendu, "\(role) \(suffixe) of \(id): \(String(buffer: reply.body))")
                        if reply.status == .ok, suffixe != "materiel" {
                            #expect(reply.headers[.contentType] == "application/pdf" && reply.headers[.contentSecurityPolicy]?
                                .contains("frame-ancestors 'self'") == true, "a PDF is framed by the site's own pages only")
                        }
                    }
                }
                // The subject itself (its barème) stays the DSII's and the operators'.
                let detail = try await client.execute(uri: "/api/referentiel/sujets/\(visible)", method: .get, headers: h)
                #expect(detail.status == ([.dsii, .admin].contains(role) ? .ok : .forbidden), "\(role) reads the subject")
            }
            let anonymous = try await client.execute(uri: "/api/referentiel/sujets/\(visible)/materiel", method: .get)
            #expect(anonymous.status == .unauthorized)

            // Before visibleFrom the centre reads the material list, not the title nor the documents; after, all.
            struct Materiel: Decodable { var titre: String?; var materiel: [String]; var visible: Bool; var documents: [DocumentView] }
            let centre = try await Self.headers(Identity(userId: UUID(), login: "c", role: .centre, scope: .etablissement("0251080N")))
            let avant = try JSONDecoder.iso.decode(Materiel.self, from: try await client.execute(
                uri: "/api/referentiel/sujets/\(embargo)/materiel", method: .get, headers: centre).body)
            #expect(avant.materiel == ["burette graduée", "pH-mètre"] && avant.titre == nil && !avant.visible && avant.documents.isEmpty)
            let apres = try JSONDecoder.iso.decode(Materiel.self, from: try await client.execute(
                uri: "/api/referentiel/sujets/\(visible)/materiel", method: .get, headers: centre).body)
            #expect(apres.titre == "Visible" && apres.visible && apres.documents.map(\.nature.rawValue) == ["sujet"],
                    "the centre is not listed the examiner's sheet")
            let refus = try await client.execute(uri: "/api/referentiel/sujets/\(embargo)/documents/sujet", method: .get, headers: centre)
            #expect(String(buffer: refus.body).contains("embargo jusqu'au 1 juin 2099"), "\(String(buffer: refus.body))")
        }
    }

    @Test func aValidatedBaremeIsNeverChangedAChangeIsANewVersion() async throws {
        try await Self.withPlatform { client in
            let h = try await Self.headers()
            let input = SujetInput(epreuve: "T011B", session: 2099, code: Self.code("PC"), titre: "Versions", dominante: "physique",
                                   materiel: nil)
            let created = try await client.execute(uri: "/api/referentiel/sujets", method: .post, headers: h, body: try Self.body(input))
            let id = try JSONDecoder().decode(Created.self, from: created.body).id
            _ = try await client.execute(uri: "/api/referentiel/sujets/\(id)/documents/sujet", method: .put,
                                         headers: try await Self.headers(json: false), body: ByteBuffer(bytes: DemoPDF.make("v")))
            _ = try await client.execute(uri: "/api/referentiel/sujets/\(id)/bareme", method: .put, headers: h,
                                         body: try Self.body(DemoData.physiqueChimie))
            #expect(try await client.execute(uri: "/api/referentiel/sujets/\(id)/validate", method: .post, headers: h).status == .ok)
            // Validated: no more edits until reopened.
            let frozen = try await client.execute(uri: "/api/referentiel/sujets/\(id)/bareme", method: .put, headers: h,
                                                  body: try Self.body(DemoData.physiqueChimie))
            #expect(frozen.status == .conflict)
            #expect(try await client.execute(uri: "/api/referentiel/sujets/\(id)/reopen", method: .post, headers: h).status == .ok)
            var changed = DemoData.physiqueChimie
            changed.criteres[2].poids = 7
            changed.criteres[3].poids = 5
            let saved = try await client.execute(uri: "/api/referentiel/sujets/\(id)/bareme", method: .put, headers: h,
                                                 body: try Self.body(changed))
            #expect(saved.status == .ok)
            let sujet = try JSONDecoder().decode(Created.self, from: try await client.execute(
                uri: "/api/referentiel/sujets/\(id)", method: .get, headers: h).body)
            let versions = try #require(sujet.baremes)
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions[0].valide && versions[0].bareme == DemoData.physiqueChimie)
            #expect(!versions[1].valide && versions[1].bareme == changed)

            // Withdrawn subjects keep their versions.
            #expect(try await client.execute(uri: "/api/referentiel/sujets/\(id)/validate", method: .post, headers: h).status == .ok)
            #expect(try await client.execute(uri: "/api/referentiel/sujets/\(id)/withdraw", method: .post, headers: h).status == .ok)
            let withdrawn = try JSONDecoder().decode(Created.self, from: try await client.execute(
                uri: "/api/referentiel/sujets/\(id)", method: .get, headers: h).body)
            #expect(withdrawn.statut == "retire" && withdrawn.baremes?.count == 2)
        }
    }
}

/// A value a @Sendable test closure fills in (tests run the closure once, sequentially).
final class SendableBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
