import ECEAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Shared
import Testing
import TestSupport
@testable import Correction
@testable import Gateway
@testable import Inscriptions
@testable import Missions

/// Santorin (issue 7) with Cyclades, Imag'In and the gateway running, all through the gateway and the
/// real events: a centre builds groups and slots, distributes automatically, examiners draw and
/// grade (an aid, an override, an absence, a stale save), lock, the centre closes, and every grade
/// reaches Inscriptions and every service fait Missions exactly once. Each run has a centre of its own.
@Suite(.serialized) struct CorrectionTests {
    static let session = 2099
    static let besancon = Identity(userId: UUID(), login: "gest.03", role: .gestionnaire, scope: .academie("03"))

    /// A centre of académie 03 that no test used before in this database (a valid UAI with its
    /// check letter, drawn again while taken): a reused one would bring an earlier test's closings.
    static func makeCentre() async throws -> String {
        var uai = ""
        let configuration = HealthTests.configuration("inscriptions", 8081)
        try await withServiceDatabase(configuration, migrations: inscriptionsMigrations) { client, schema, logger in
            try await DemoReferenceData.seed(client: client, schema: schema, logger: logger)
            let s = schema.name
            var fresh = false
            while !fresh {
                let n = 251_000 + Int.random(in: 0..<97_000) * 10 + 9
                uai = String(format: "%07d", n) + String(Array("ABCDEFGHJKLMNPRSTUVWXYZ")[n % 23])
                fresh = try await !client.query("""
                    INSERT INTO \(unescaped: s).etablissements VALUES (\(uai), 'Lycée de test', '03', 'Besançon', true, NULL, NULL)
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: logger).collect().isEmpty
            }
            try await client.query("INSERT INTO \(unescaped: s).centres VALUES (\(uai), 200) ON CONFLICT DO NOTHING", logger: logger)
            try await client.query("INSERT INTO \(unescaped: s).centre_epreuves VALUES (\(uai), 'T011B') ON CONFLICT DO NOTHING",
                                   logger: logger)
        }
        return uai
    }

    struct Harness: Sendable {
        var client: any TestClientProtocol
        /// The services themselves (their `/metrics`), when the platform runs them.
        var correction: (any TestClientProtocol)? = nil
        var missions: (any TestClientProtocol)? = nil

        func call(_ method: HTTPRequest.Method, _ path: String, _ json: String? = nil, as identity: Identity) async throws -> TestResponse {
            var headers: HTTPFields = [.authorization: "Bearer \(try await TestKeys.token(identity))"]
            if json != nil { headers[.contentType] = "application/json" }
            return try await client.execute(uri: path, method: method, headers: headers, body: Self.body(json, method))
        }

        /// A write without a body goes as `Content-Length: 0`, as browsers and HTTP libraries send it.
        /// Sent without one, the test client's encoder makes it an empty chunked body, which the
        /// gateway streams to the service; when the service answers before that stream ends, the
        /// gateway sometimes closes the connection, and this client, which never reconnects, fails
        /// its next request ("I/O on closed channel"; noted as a gateway issue to look into).
        static func body(_ json: String?, _ method: HTTPRequest.Method) -> ByteBuffer? {
            json.map { ByteBuffer(string: $0) } ?? (method == .get || method == .head ? nil : ByteBuffer())
        }

        func decode<T: Decodable>(_ type: T.Type, _ method: HTTPRequest.Method, _ path: String, _ json: String? = nil,
                                  as identity: Identity, expect status: HTTPResponse.Status = .ok) async throws -> T {
            let response = try await call(method, path, json, as: identity)
            #expect(response.status == status, "\(method) \(path): \(String(buffer: response.body))")
            return try JSONDecoder.iso.decode(T.self, from: response.body)
        }
    }

    /// The kind of a refusal: the last segment of its problem `type`.
    static func kind(_ response: TestResponse) -> String? {
        (try? JSONDecoder().decode(Problem.self, from: response.body))?.type.split(separator: "/").last.map(String.init)
    }

    /// Inscriptions, Missions and Correction behind the gateway, each with its consumers.
    static func withPlatform(_ test: @Sendable @escaping (Harness) async throws -> Void) async throws {
        let apps = (try await Inscriptions.buildApplication(HealthTests.configuration("inscriptions", 8081)),
                    try await Missions.buildApplication(HealthTests.configuration("missions", 8082)),
                    try await Correction.buildApplication(HealthTests.configuration("correction", 8084)))
        try await apps.0.test(.live) { inscriptions in
            try await apps.1.test(.live) { missions in
                try await apps.2.test(.live) { correction in
                    let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080, [
                        "INSCRIPTIONS_URL": "http://127.0.0.1:\(inscriptions.port!)",
                        "MISSIONS_URL": "http://127.0.0.1:\(missions.port!)",
                        "CORRECTION_URL": "http://127.0.0.1:\(correction.port!)",
                    ]))
                    try await gateway.test(.live) { client in
                        try await test(Harness(client: client, correction: correction, missions: missions))
                    }
                }
            }
        }
    }

    /// Runs a poppler / unzip tool on bytes written to a temporary file (the tests parse documents back).
    static func tool(_ name: String, _ arguments: [String], on bytes: ByteBuffer, suffix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ece-test-\(UUID().uuidString)\(suffix)")
        try Data(buffer: bytes).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(name)")
        process.arguments = arguments.map { $0 == "{}" ? path.path : $0 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    static func pages(_ pdf: ByteBuffer) throws -> Int? {
        try tool("pdfinfo", ["{}"], on: pdf, suffix: ".pdf").split(separator: "\n")
            .first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") }
    }

    static let bareme = Bareme(criteres: [
        Critere(code: "APP", libelle: "S'approprier", poids: 4, echelle: .niveaux(ValeursNiveaux())),
        Critere(code: "REA", libelle: "Réaliser", poids: 12, echelle: .niveaux(ValeursNiveaux())),
        Critere(code: "VAL", libelle: "Valider", poids: 4, echelle: .niveaux(ValeursNiveaux())),
    ], appels: [Appel(code: "A1", libelle: "Appel : protocole")])

    struct Commission: Decodable {
        var candidats: Int
        var nonDistribues: Int
        var groupes: [Groupe]
        struct Groupe: Decodable { var id: UUID; var nom: String; var candidats: Int; var verrouille: Bool }
    }
    struct Examinateurs: Decodable { var items: [Item]; struct Item: Decodable { var intervenantId: UUID; var login: String } }
    struct Created: Decodable { var id: UUID }
    struct Fiches: Decodable { var items: [Item]; struct Item: Decodable { var id: UUID; var numero: String; var division: String?; var groupeId: UUID? } }
    struct Fiche: Decodable {
        var id: UUID
        var version: Int
        var statut: String
        var sujet: Sujet?
        var noteSuggeree: Int?
        var noteFinale: Int?
        var plafonds: [String: String]
        var bareme: Bareme?
        struct Sujet: Decodable { var id: UUID; var code: String; var titre: String? }
    }
    struct Stale: Decodable { var status: Int; var current: Fiche }
    struct Repartition: Decodable { var distribues: Int; var conflits: Int; var capaciteInsuffisante: Int }
    struct Cloture: Decodable { var notes: Int; var absents: Int; var servicesFaits: Int }
    struct Audit: Decodable { var items: [Entry]; struct Entry: Decodable { var action: String; var motif: String?; var avant: String?; var apres: String? } }
    struct MissionList: Decodable { var items: [Detail]; struct Detail: Decodable { var mission: Mission; var intervenants: [Person] } }
    struct Mission: Decodable { var id: UUID; var centre: String? }
    struct Person: Decodable { var id: UUID; var login: String; var convocationId: UUID?; var convocable: Bool?; var convocableEnBloc: Bool? }

    @Test func aCentreDistributesExaminersGradeLockAndTheClosingReachesCycladesAndImagIn() async throws {
        let centre = try await Self.makeCentre()
        let centreId = Identity(userId: UUID(), login: "centre.\(centre)", role: .centre, scope: .etablissement(centre))
        let p = "C\(UUID().uuidString.prefix(6))"
        let login = p.lowercased()
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let publisher = AMQPPublisher(configuration: amqp, appId: "referentiel", logger: Logger(label: "test"))
        let running = Running(publisher)

        try await Self.withPlatform { h in
            let ins = "/api/inscriptions/sessions/\(Self.session)"
            let mis = "/api/missions/sessions/\(Self.session)"
            let commission = "/api/correction/sessions/\(Self.session)/epreuves/T011B/centres/\(centre)"

            // Cyclades: five candidates of 0251671F (three in T1, two in T2) assigned to the centre, published.
            let csv = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"]
                + (1...5).map { "\(p)\($0);\(["Alpha", "Bravo", "Charlie", "Delta", "Echo"][$0 - 1]);Léa;01/01/2008;scolaire;0251671F;\($0 <= 3 ? "T1" : "T2");BCG;T011B" })
                .joined(separator: "\n")
            let imported = try await h.client.execute(uri: "\(ins)/import", method: .post, headers: [
                .authorization: "Bearer \(try await TestKeys.token(Self.besancon))", .contentType: "text/csv"], body: ByteBuffer(string: csv))
            #expect(imported.status == .ok, "\(String(buffer: imported.body))")
            let assignments = (1...5).map { #"{"numero":"\#(p)\#($0)","epreuve":"T011B","centre":"\#(centre)"}"# }
            #expect(try await h.call(.post, "\(ins)/affectations", #"{"affectations":[\#(assignments.joined(separator: ","))]}"#,
                                     as: Self.besancon).status == .ok)
            #expect(try await h.call(.post, "\(ins)/affectations/publish?epreuve=T011B", as: Self.besancon).status == .ok)

            // Cyclades designates two examiners at the centre: A teaches T1 at 0251671F, B teaches elsewhere.
            for (name, uai, divisions) in [("a", "0251671F", #"["T1"]"#), ("b", "0250007X", #"["T5"]"#)] {
                let designation = #"{"role":"examinateur","epreuve":"T011B","centre":"\#(centre)","intervenant":{"login":"\#(login).\#(name)","nom":"Prof\#(name.uppercased())","prenom":"Test","uai":"\#(uai)","divisions":\#(divisions)}}"#
                let response = try await h.call(.post, "\(ins)/designations", designation, as: Self.besancon)
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }

            // Imag'In: regulation, parameters, opening, then both convoked.
            #expect(try await h.call(.post, "\(mis)/reglementation", as: Self.besancon).status == .ok)
            #expect(try await h.call(.put, "\(mis)/parametres", #"{"dateDebut":"2099-06-01","dateFin":"2099-06-12"}"#,
                                     as: Self.besancon).status == .ok)
            var mission: MissionList.Detail?
            try await waitUntil {
                _ = try await h.call(.post, "\(mis)/ouverture", as: Self.besancon)
                mission = try await h.decode(MissionList.self, .get, "\(mis)/missions?centre=\(centre)&epreuve=T011B", as: Self.besancon)
                    .items.first
                return mission?.intervenants.count == 2
            }
            let people = Dictionary(uniqueKeysWithValues: mission!.intervenants.map { ($0.login, $0.id) })
            let (a, b) = (people["\(login).a"]!, people["\(login).b"]!)
            for person in [a, b] {
                #expect(try await h.call(.post, "/api/missions/missions/\(mission!.mission.id)/convocations",
                                         #"{"intervenantId":"\#(person)"}"#, as: Self.besancon).status == .created)
            }
            let examinerA = Identity(userId: a, login: "\(login).a", role: .examinateur, scope: .academie("03"))
            let examinerB = Identity(userId: b, login: "\(login).b", role: .examinateur, scope: .academie("03"))

            // Référentiel: four situations (two physics, two chemistry) visible now, one still under embargo.
            var sujets: [UUID] = []
            for (i, dominante) in ["physique", "physique", "chimie", "chimie", "chimie"].enumerated() {
                let sujet = SujetPublished(sujetId: UUID(), epreuve: "T011B", session: Self.session, code: "\(p)-S\(i)",
                                           titre: "Situation \(i)", dominante: dominante, materiel: [], baremeVersion: 1, bareme: Self.bareme,
                                           document: DocumentRef(path: "/sujets/\(i).pdf", sha256: String(repeating: "0", count: 64), taille: 10),
                                           visibleFrom: i == 4 ? Date().addingTimeInterval(86_400) : Date().addingTimeInterval(-60))
                sujets.append(sujet.sujetId)
                try await waitUntil { publisher.isConnected }
                try await MissionsTests.publish(publisher, EventEnvelope(producer: "referentiel", correlationId: p, payload: sujet))
            }

            // Santorin has everything: five candidates, two convoked examiners.
            try await waitUntil {
                let response = try await h.call(.get, "\(commission)/examinateurs", as: centreId)
                guard response.status == .ok else { return false }
                return try JSONDecoder().decode(Examinateurs.self, from: response.body).items.count == 2
            }
            let overview = try await h.decode(Commission.self, .get, commission, as: centreId)
            #expect(overview.candidats == 5 && overview.nonDistribues == 5)
            let other = Identity(userId: UUID(), login: "c", role: .centre, scope: .etablissement("0251080N"))
            #expect(try await h.call(.get, commission, as: other).status == .forbidden, "another centre sees nothing")

            // Groups: one per examiner; a stranger cannot be a member.
            #expect(try await h.call(.post, "\(commission)/groupes", #"{"nom":"X","membres":["\#(UUID())"]}"#, as: centreId).status
                    == .unprocessableContent)
            let g1 = try await h.decode(Created.self, .post, "\(commission)/groupes", #"{"nom":"Salle 1","membres":["\#(a)"]}"#,
                                        as: centreId, expect: .created).id
            let g2 = try await h.decode(Created.self, .post, "\(commission)/groupes", #"{"nom":"Salle 2","membres":["\#(b)"]}"#,
                                        as: centreId, expect: .created).id
            #expect(try await h.call(.post, "\(commission)/groupes", #"{"nom":"Salle 3","membres":["\#(a)"]}"#, as: centreId).status
                    == .conflict, "one room per examiner")

            // Slots: the draw rule is enforced, then the candidates are placed in the morning.
            let oneOfEach = #"{"jour":"2099-06-02","demiJournee":"matin","sujets":["\#(sujets[0])","\#(sujets[2])","\#(sujets[3])"]}"#
            let refused = try await h.call(.post, "\(commission)/creneaux", oneOfEach, as: centreId)
            #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains("physique"))
            let morning = #"{"jour":"2099-06-02","demiJournee":"matin","sujets":["\#(sujets[0])","\#(sujets[1])","\#(sujets[2])","\#(sujets[3])"]}"#
            let slot = try await h.decode(Created.self, .post, "\(commission)/creneaux", morning, as: centreId, expect: .created).id
            let sameSet = morning.replacingOccurrences(of: "matin", with: "apres-midi")
            #expect(try await h.call(.post, "\(commission)/creneaux", sameSet, as: centreId).status == .unprocessableContent)
            let all = try await h.decode(Fiches.self, .get, "\(commission)/fiches", as: centreId).items
            let ids = all.map { "\"\($0.id)\"" }.joined(separator: ",")
            #expect(try await h.call(.post, "\(commission)/creneaux/\(slot)/candidats", #"{"fiches":[\#(ids)]}"#, as: centreId).status == .ok)

            // Automatic distribution: A never gets T1 (their pupils); at most four per examiner in the slot.
            let auto = try await h.decode(Repartition.self, .post, "\(commission)/distribution/automatique", "{}", as: centreId)
            #expect(auto.distribues == 5, "\(auto)")
            let distributed = try await h.decode(Fiches.self, .get, "\(commission)/fiches", as: centreId).items
            #expect(distributed.filter { $0.division == "T1" }.allSatisfy { $0.groupeId == g2 })
            #expect(distributed.filter { $0.groupeId == g2 }.count <= 4 && distributed.filter { $0.groupeId == g1 }.count <= 4)
            let t1 = distributed.first { $0.division == "T1" }!
            let moveToA = try await h.call(.post, "\(commission)/distribution", #"{"fiches":["\#(t1.id)"],"groupeId":"\#(g1)"}"#, as: centreId)
            #expect(moveToA.status == .unprocessableContent, "conflict of interest refused: \(String(buffer: moveToA.body))")

            // The paper fallback: the morning's blank sheets, one page per candidate, parsed back.
            let printed = try await h.call(.get, "\(commission)/fiches.pdf?creneau=\(slot)", as: centreId)
            #expect(printed.status == .ok && printed.headers[.contentType] == "application/pdf")
            #expect(try Self.pages(printed.body) == 5)
            let blank = try Self.tool("pdftotext", ["-layout", "{}", "-"], on: printed.body, suffix: ".pdf")
            #expect(blank.contains("Fiche d'évaluation") && blank.contains("ALPHA Léa") && blank.contains("APP — S'approprier")
                    && blank.contains("Appels") && !blank.contains("Appel : protocole") && blank.contains("Absence justifiée"),
                    "the subject's appels are not printed before its draw: \(blank.prefix(800))")

            // Follow-up: the centre sees its commission, its académie's gestionnaire too, an examiner not.
            struct Suivi: Decodable { var items: [Ligne]; struct Ligne: Decodable { var centre: String; var candidats: Int; var notees: Int; var lots: Int; var lotsVerrouilles: Int } }
            let suivi = "/api/correction/sessions/\(Self.session)/suivi?epreuve=T011B"
            #expect(try await h.decode(Suivi.self, .get, suivi, as: centreId).items.map(\.centre) == [centre])
            #expect(try await h.decode(Suivi.self, .get, suivi, as: Self.besancon).items.first { $0.centre == centre }?.candidats == 5)
            #expect(try await h.call(.get, suivi, as: Identity(userId: a, login: "\(login).a", role: .examinateur, scope: .academie("03")))
                .status == .forbidden)
            // Nationally one line per académie and exam; `academie` asks for its commissions (a query
            // parameter the document lacked: the generated handler would not have seen it).
            let dsii = Identity(userId: UUID(), login: "dsii.suivi", role: .dsii, scope: .national)
            #expect(try await h.decode(Suivi.self, .get, suivi, as: dsii).items.allSatisfy { $0.centre != centre })
            #expect(try await h.decode(Suivi.self, .get, suivi + "&academie=03", as: dsii).items.first { $0.centre == centre }?.candidats == 5)

            // Messaging within the commission: B writes, A has one unread, reads it, answers.
            let examinerA0 = Identity(userId: a, login: "\(login).a", role: .examinateur, scope: .academie("03"))
            let examinerB0 = Identity(userId: b, login: "\(login).b", role: .examinateur, scope: .academie("03"))
            let fils = "/api/correction/sessions/\(Self.session)/fils"
            let fil = try await h.decode(Created.self, .post, fils, #"{"epreuve":"T011B","centre":"\#(centre)","titre":"Salle 2","texte":"Il manque une burette."}"#,
                                         as: examinerB0, expect: .created).id
            struct Fils: Decodable { var items: [Item]; struct Item: Decodable { var id: UUID; var nonLus: Int } }
            #expect(try await h.decode(Fils.self, .get, fils, as: examinerA0).items.first { $0.id == fil }?.nonLus == 1)
            struct Messages: Decodable { var items: [Item]; struct Item: Decodable { var auteur: String; var texte: String } }
            #expect(try await h.decode(Messages.self, .get, "/api/correction/fils/\(fil)/messages", as: examinerA0).items.map(\.texte)
                    == ["Il manque une burette."])
            #expect(try await h.decode(Fils.self, .get, fils, as: examinerA0).items.first { $0.id == fil }?.nonLus == 0)
            #expect(try await h.call(.post, "/api/correction/fils/\(fil)/messages", #"{"texte":"J'en apporte une."}"#, as: examinerA0).status == .created)
            #expect(try await h.decode(Fils.self, .get, fils, as: examinerB0).items.first { $0.id == fil }?.nonLus == 1)
            #expect(try await h.call(.get, "/api/correction/fils/\(fil)/messages", as: other).status == .notFound, "another centre reads nothing")
            #expect(try await h.call(.post, "/api/correction/fils/\(fil)/messages", #"{"texte":"  "}"#, as: examinerA0).status == .unprocessableContent)

            // Examiner B grades their lot.
            let lotB = distributed.filter { $0.groupeId == g2 }.map(\.id)
            let lotA = distributed.filter { $0.groupeId == g1 }.map(\.id)
            #expect(lotA.count + lotB.count == 5 && lotB.count >= 3)
            #expect(try await h.call(.get, "/api/correction/fiches/\(lotB[0])", as: examinerA).status == .notFound, "not A's lot")
            #expect(try await h.call(.post, "/api/correction/groupes/\(g2)/verrouillage", as: examinerB).status == .conflict,
                    "nothing graded yet")

            // 1: drawn on the server, graded with a major aid; a stale save gets 409 with the current sheet.
            let drawAnswer = try await h.call(.post, "/api/correction/fiches/\(lotB[0])/tirage", #"{"version":0}"#, as: examinerB)
            let drawn = try JSONDecoder.iso.decode(Fiche.self, from: drawAnswer.body)
            // The draw answers from its own update (`EditeurStatements.SujetFixe`): byte for byte the sheet a read then shows.
            let read = try await h.call(.get, "/api/correction/fiches/\(lotB[0])", as: examinerB)
            #expect(drawAnswer.status == .ok && read.body == drawAnswer.body, "\(String(buffer: drawAnswer.body))\n\(String(buffer: read.body))")
            #expect(drawn.sujet.map { sujets.prefix(4).contains($0.id) } == true && drawn.sujet?.titre != nil)
            #expect(drawn.bareme == Self.bareme, "the subject's barème in the answer, as published")
            let again = try await h.call(.post, "/api/correction/fiches/\(lotB[0])/tirage", #"{"version":1}"#, as: examinerB)
            // Each kind of 409 its own type: a client tells a drawn subject from a stale version without reading the text.
            #expect(again.status == .conflict && Self.kind(again) == "already-done")
            // With milliseconds, as the editor's `new Date().toISOString()` writes the time of an aid or an appel.
            let now = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            let grid = #""grille":{"evaluations":[{"code":"APP","evaluation":{"type":"niveau","niveau":"A"}},{"code":"REA","evaluation":{"type":"niveau","niveau":"A"}},{"code":"VAL","evaluation":{"type":"niveau","niveau":"B"}}],"appels":[{"code":"A1","heure":"\#(now)"}],"aides":[{"critere":"REA","aide":"majeure","heure":"\#(now)"}],"commentaires":{"REA":"Protocole donné"}}"#
            let stale = try await h.call(.put, "/api/correction/fiches/\(lotB[0])", #"{"version":0,\#(grid)}"#, as: examinerB)
            #expect(stale.status == .conflict && Self.kind(stale) == "stale-version")
            let conflict = try JSONDecoder.iso.decode(Stale.self, from: stale.body)
            #expect(conflict.current.version == drawn.version && conflict.current.statut == "a_noter", "nothing lost, current shown")
            let graded = try await h.decode(Fiche.self, .put, "/api/correction/fiches/\(lotB[0])",
                                            #"{"version":\#(drawn.version),\#(grid),"finaliser":true}"#, as: examinerB)
            // 4 + 12 × 1/3 (capped at C) + 4 × 2/3 = 10.67 → 10.5
            #expect(graded.statut == "notee" && graded.noteFinale == 21 && graded.plafonds == ["REA": "C"], "\(graded)")
            #expect(graded.bareme == Self.bareme && conflict.current.bareme == Self.bareme)

            // Frozen: a version 2 of the drawn subject's barème reaches Santorin; the graded sheet keeps
            // version 1, which its row does not copy (baremes_figes holds each version once).
            let tire = try #require(drawn.sujet?.id)
            let i = try #require(sujets.firstIndex(of: tire))
            var v2 = Self.bareme
            v2.criteres[2].libelle = "Valider (version 2)"
            let republie = SujetPublished(sujetId: tire, epreuve: "T011B", session: Self.session, code: "\(p)-S\(i)",
                                          titre: "Situation \(i)", dominante: i < 2 ? "physique" : "chimie", materiel: [],
                                          baremeVersion: 2, bareme: v2,
                                          document: DocumentRef(path: "/sujets/\(i).pdf", sha256: String(repeating: "0", count: 64), taille: 10),
                                          visibleFrom: Date().addingTimeInterval(-60))
            try await MissionsTests.publish(publisher, EventEnvelope(producer: "referentiel", correlationId: p, payload: republie))
            try await withServiceDatabase(HealthTests.configuration("correction", 8084), migrations: []) { client, schema, _ in
                try await waitUntil {
                    try await client.query("""
                        SELECT version FROM \(unescaped: schema.name).baremes_figes WHERE sujet_id = \(tire) ORDER BY version
                        """).collect().map { try $0.decode(Int.self) } == [1, 2]
                }
                let copie = try await client.query("""
                    SELECT bareme IS NULL, bareme_version FROM \(unescaped: schema.name).fiches WHERE id = \(lotB[0])
                    """).collect().first?.decode((Bool, Int).self)
                #expect(copie?.0 == true && copie?.1 == 1, "the row names its version, without a copy: \(String(describing: copie))")
            }
            let figee = try await h.decode(Fiche.self, .get, "/api/correction/fiches/\(lotB[0])", as: examinerB)
            #expect(figee.bareme == Self.bareme && figee.version == graded.version, "version 1 still, after version 2")

            // 2: an override needs its reason.
            let second = try await h.decode(Fiche.self, .post, "/api/correction/fiches/\(lotB[1])/tirage", #"{"version":0}"#, as: examinerB)
            let noReason = try await h.call(.put, "/api/correction/fiches/\(lotB[1])",
                                            #"{"version":\#(second.version),\#(grid),"finaliser":true,"noteFinale":30}"#, as: examinerB)
            #expect(noReason.status == .unprocessableContent && String(buffer: noReason.body).contains("motifAjustement"))
            let saved = try await h.call(.put, "/api/correction/fiches/\(lotB[1])",
                                         #"{"version":\#(second.version),\#(grid),"finaliser":true,"noteFinale":30,"motifAjustement":"Démarche remarquable"}"#,
                                         as: examinerB)
            let overridden = try JSONDecoder.iso.decode(Fiche.self, from: saved.body)
            // The save answers the sheet exactly as a new read finds it.
            let reread = try await h.call(.get, "/api/correction/fiches/\(lotB[1])", as: examinerB)
            let asSaved = try JSONSerialization.jsonObject(with: Data(buffer: saved.body)) as? NSDictionary
            let asRead = try JSONSerialization.jsonObject(with: Data(buffer: reread.body)) as? NSDictionary
            #expect(asSaved != nil && asSaved == asRead)
            #expect(overridden.noteSuggeree == 21 && overridden.noteFinale == 30)
            let audit = try await h.decode(Audit.self, .get, "/api/correction/fiches/\(lotB[1])/audit", as: centreId)
            #expect(audit.items.map(\.action) == ["sujet.tirage", "fiche.ajustement"] && audit.items.last?.motif == "Démarche remarquable")
            // The sheet's grading before and after the save: not the candidate's identity, lot, slot nor barème.
            let rows = try [audit.items.last?.avant, audit.items.last?.apres].map { text in
                let object = try JSONSerialization.jsonObject(with: Data((text ?? "").utf8))
                return try #require(object as? [String: Any])
            }
            #expect(rows[0]["version"] as? Int == second.version && rows[1]["version"] as? Int == overridden.version)
            #expect(rows[0]["note_finale"] is NSNull && rows[1]["note_finale"] as? Int == 30 && rows[1]["statut"] as? String == "notee")
            let grading: Set = ["statut", "absence", "grille", "note_suggeree", "note_finale", "motif_ajustement", "saisie_differee",
                                "examinateur_id", "sujet_id", "sujet_mode", "bareme_version", "version", "modifiee_le"]
            #expect(rows.allSatisfy { Set($0.keys) == grading }, "\(rows.map { $0.keys.sorted() })")
            #expect(rows.allSatisfy { $0["bareme_version"] is Int && $0["sujet_id"] is String && $0["grille"] is [String: Any] })
            #expect((rows[1]["grille"] as? [String: Any])?["evaluations"] != nil && rows[1]["examinateur_id"] is String)

            // An absence carries the grid under the same checks as any save: an unknown criterion is
            // refused and changes nothing (it was stored unchecked).
            let intrus = #""grille":{"evaluations":[{"code":"INTRUS","evaluation":{"type":"niveau","niveau":"A"}}],"appels":[],"aides":[],"commentaires":{}}"#
            let intruse = try await h.call(.put, "/api/correction/fiches/\(lotB[1])",
                                           #"{"version":\#(overridden.version),"absence":"injustifiee",\#(intrus)}"#, as: examinerB)
            #expect(intruse.status == .unprocessableContent && String(buffer: intruse.body).contains("INTRUS"))
            #expect(try await h.decode(Fiche.self, .get, "/api/correction/fiches/\(lotB[1])", as: examinerB).version == overridden.version)

            // 3 and beyond: absent (no subject needed). Before the draw only the general comment, the
            // one field the editor shows then, can come with it: a criterion is refused.
            for fiche in lotB.dropFirst(2) {
                let avantTirage = try await h.call(.put, "/api/correction/fiches/\(fiche)",
                                                   #"{"version":0,"absence":"injustifiee",\#(intrus)}"#, as: examinerB)
                #expect(avantTirage.status == .unprocessableContent && String(buffer: avantTirage.body).contains("INTRUS"))
                let absent = try await h.decode(Fiche.self, .put, "/api/correction/fiches/\(fiche)",
                                                #"{"version":0,"absence":"injustifiee","grille":{"commentaire":"Parti avant le début"}}"#,
                                                as: examinerB)
                #expect(absent.statut == "absent")
                let stored = try await h.call(.get, "/api/correction/fiches/\(fiche)", as: examinerB)
                #expect(String(buffer: stored.body).contains("Parti avant le début") && !String(buffer: stored.body).contains("INTRUS"))
            }
            #expect(try await h.call(.post, "/api/correction/groupes/\(g2)/verrouillage", as: examinerB).status == .ok)
            #expect(try await h.call(.put, "/api/correction/fiches/\(lotB[0])", #"{"version":\#(graded.version),\#(grid)}"#,
                                     as: examinerB).status == .conflict, "a locked lot is read-only")

            // The answers as openapi.yaml describes them, decoded with the types generated from it: a
            // required field missing, a type or an enum value changed fails here (the document drifted).
            let vue = try await h.decode(ECEAPI.Components.Schemas.CommissionVue.self, .get, commission, as: centreId)
            let locked = try #require(vue.groupes.first { UUID(uuidString: $0.id) == g2 })
            #expect(locked.verrouille && locked.verrouilleLe != nil && locked.brouillons == 0 && vue.creneaux.count == 1)
            _ = try await h.decode(ECEAPI.Components.Schemas.ListeExaminateurs.self, .get, "\(commission)/examinateurs", as: centreId)
            _ = try await h.decode(ECEAPI.Components.Schemas.ListeFiches.self, .get, "\(commission)/fiches", as: centreId)
            _ = try await h.decode(ECEAPI.Components.Schemas.SujetsOfferts.self, .get, "\(commission)/sujets", as: centreId)
            _ = try await h.decode(ECEAPI.Components.Schemas.Audit.self, .get, "\(commission)/audit", as: centreId)
            _ = try await h.decode(ECEAPI.Components.Schemas.Suivi.self, .get, suivi, as: Self.besancon)
            let sheet = try await h.decode(ECEAPI.Components.Schemas.Fiche.self, .get, "/api/correction/fiches/\(lotB[0])", as: examinerB)
            #expect(sheet.lotVerrouille && sheet.sujet != nil && sheet.bareme?.criteres.count == 3)
            _ = try await h.decode(ECEAPI.Components.Schemas.Offre.self, .get, "/api/correction/fiches/\(lotB[0])/offre", as: examinerB)
            let lots = try await h.decode(ECEAPI.Components.Schemas.MesLots.self, .get, "/api/correction/mes-lots", as: examinerB)
            #expect(lots.items.contains { UUID(uuidString: $0.groupeId) == g2 && $0.verrouille })
            // Each lot with exactly its sheets.
            let lotListe = try #require(lots.items.first { UUID(uuidString: $0.groupeId) == g2 })
            #expect(Set(lotListe.fiches.compactMap { $0.id.flatMap(UUID.init(uuidString:)) }) == Set(lotB) && lotListe.fiches.count == lotB.count)
            _ = try await h.decode(ECEAPI.Components.Schemas.MesSecondesLectures.self, .get, "/api/correction/mes-secondes-lectures", as: examinerB)

            // Embargo: a subject not yet visible keeps its title hidden, and no draw happens before its time.
            struct Offerts: Decodable { var items: [Item]; struct Item: Decodable { var id: UUID; var titre: String? } }
            let offerts = try await h.decode(Offerts.self, .get, "\(commission)/sujets", as: centreId).items
            #expect(offerts.first { $0.id == sujets[4] }.map { $0.titre == nil } == true)
            #expect(offerts.first { $0.id == sujets[0] }?.titre == "Situation 0")
            let afternoon = #"{"jour":"2099-06-02","demiJournee":"apres-midi","sujets":["\#(sujets[0])","\#(sujets[1])","\#(sujets[2])","\#(sujets[4])"]}"#
            let later = try await h.decode(Created.self, .post, "\(commission)/creneaux", afternoon, as: centreId, expect: .created).id
            #expect(try await h.call(.post, "\(commission)/creneaux/\(later)/candidats", #"{"fiches":["\#(lotA[0])"]}"#, as: centreId).status == .ok)
            let embargo = try await h.call(.post, "/api/correction/fiches/\(lotA[0])/tirage", #"{"version":0}"#, as: examinerA)
            #expect(embargo.status == .conflict && String(buffer: embargo.body).contains("embargo")
                    && Self.kind(embargo) == "subject-unavailable")
            #expect(try await h.call(.post, "\(commission)/creneaux/\(slot)/candidats", #"{"fiches":["\#(lotA[0])"]}"#, as: centreId).status == .ok)

            // Examiner A grades the rest; the centre cannot close before every lot is locked.
            let early = try await h.call(.post, "\(commission)/cloture", as: centreId)
            #expect(early.status == .conflict && Self.kind(early) == "lot-not-locked", "\(String(buffer: early.body))")
            for fiche in lotA {
                let d = try await h.decode(Fiche.self, .post, "/api/correction/fiches/\(fiche)/tirage", #"{"version":0}"#, as: examinerA)
                _ = try await h.decode(Fiche.self, .put, "/api/correction/fiches/\(fiche)",
                                       #"{"version":\#(d.version),\#(grid),"finaliser":true}"#, as: examinerA)
            }
            #expect(try await h.call(.post, "/api/correction/groupes/\(g1)/verrouillage", as: examinerA).status == .ok)
            let closed = try await h.decode(Cloture.self, .post, "\(commission)/cloture", as: centreId)
            // The services faits: both examiners, and the exam's coordinators in the académie (other
            // tests' too; their fee is RoadMapRuleTests.coordinatorsArePaidByARealClosing's).
            #expect(closed.notes == 2 + lotA.count && closed.absents == lotB.count - 2 && closed.servicesFaits >= 2)
            #expect(try await h.call(.post, "/api/correction/groupes/\(g1)/deverrouillage", #"{"motif":"x"}"#, as: centreId).status
                    == .conflict, "closed is final")

            // Statistics: the centre's, and the examiner's own.
            struct Stats: Decodable {
                var ensemble: Serie; var sujets: [Sujet]
                struct Serie: Decodable { var effectif: Int; var moyenne: Double?; var distribution: [Int] }
                struct Sujet: Decodable { var code: String; var serie: Serie; var niveaux: [String: [String: Int]] }
            }
            let stats = try await h.decode(Stats.self, .get, "/api/correction/sessions/\(Self.session)/epreuves/T011B/statistiques", as: centreId)
            #expect(stats.ensemble.effectif == closed.notes && stats.ensemble.distribution.reduce(0, +) == closed.notes)
            #expect(stats.sujets.map(\.serie.effectif).reduce(0, +) == closed.notes)
            let reaAtC = stats.sujets.map { (sujet: Stats.Sujet) -> Int in sujet.niveaux["REA"]?["C"] ?? 0 }.reduce(0, +)
            #expect(reaAtC == closed.notes, "the aid capped REA at C")
            struct Mine: Decodable { var epreuves: [String: Stats.Serie] }
            #expect(try await h.decode(Mine.self, .get, "/api/correction/sessions/\(Self.session)/mes-statistiques", as: examinerB).epreuves["T011B"]?.effectif == 2)

            // The export after closing: one filled PDF per candidate in a zip.
            let zip = try await h.call(.get, "\(commission)/fiches.zip", as: centreId)
            #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
            let listing = try Self.tool("unzip", ["-l", "{}"], on: zip.body, suffix: ".zip")
            #expect(listing.components(separatedBy: ".pdf").count - 1 == 5, "\(listing)")
            let one = try await h.call(.get, "/api/correction/fiches/\(lotB[1])/pdf", as: centreId)
            let filled = try Self.tool("pdftotext", ["-layout", "{}", "-"], on: one.body, suffix: ".pdf")
            #expect(filled.contains("Note retenue : 15 / 20") && filled.contains("Démarche remarquable")
                    && filled.contains("Appel : protocole"), "\(filled.prefix(1500))")

            // Cyclades has every grade once; Imag'In every service fait once.
            struct Remontee: Decodable { var items: [Ligne]; struct Ligne: Decodable { var notes: Int; var absents: Int; var manquants: Int } }
            try await waitUntil {
                let r = try await h.decode(Remontee.self, .get, "\(ins)/remontee?centre=\(centre)&epreuve=T011B", as: Self.besancon)
                return r.items.first?.manquants == 0
            }
            let remontee = try await h.decode(Remontee.self, .get, "\(ins)/remontee?centre=\(centre)&epreuve=T011B", as: Self.besancon)
            #expect(remontee.items.first?.notes == closed.notes && remontee.items.first?.absents == closed.absents)
            struct Services: Decodable { var items: [Ligne]; struct Ligne: Decodable { var intervenantId: UUID; var candidatsEvalues: Int; var montantCentimes: Int } }
            try await waitUntil {
                let paid = try await h.decode(Services.self, .get, "\(mis)/services-faits?centre=\(centre)", as: Self.besancon).items
                return Set(paid.map(\.intervenantId)).isSuperset(of: [a, b])
            }
            // Every closing event Correction committed for the centre processed by Imag'In: no late one to come.
            let closings = try await Processed.outbox(of: "correction", where: "event_type = 'epreuve.closed' AND body ILIKE '%\(centre)%'")
            #expect(closings.count == 1, "five candidates, one chunk")
            try await Processed.inbox(of: "missions", closings)
            let services = try await h.decode(Services.self, .get, "\(mis)/services-faits?centre=\(centre)", as: Self.besancon).items
                .filter { [a, b].contains($0.intervenantId) }
            #expect(services.first { $0.intervenantId == b }?.candidatsEvalues == 2)
            #expect(services.first { $0.intervenantId == a }?.candidatsEvalues == lotA.count)
            #expect(services.map(\.montantCentimes).reduce(0, +) == (2 + lotA.count) * 500)
        }
        await running.stop()
    }

    /// Events applied in the order they happened: a late chunk of an older publication changes
    /// nothing, a withdrawal that overtakes its publication holds, a barème never goes back.
    @Test func projectionsTolerateReorderingAndRedelivery() async throws {
        let centre = "T\(UUID().uuidString.prefix(7))"
        let centreId = Identity(userId: UUID(), login: "c", role: .centre, scope: .etablissement(centre))
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let publisher = AMQPPublisher(configuration: amqp, appId: "inscriptions", logger: Logger(label: "test"))
        let running = Running(publisher)
        func candidat(_ numero: String) -> CandidatAffecte {
            CandidatAffecte(candidatId: UUID(), numero: numero, nom: "Nom", prenoms: "P", categorie: "scolaire", uaiOrigine: nil, division: nil)
        }
        let (x, y, z) = (candidat("X"), candidat("Y"), candidat("Z"))
        func publication(_ candidats: [CandidatAffecte]) -> AffectationsPublished {
            AffectationsPublished(publicationId: UUID(), session: Self.session, academie: "03", epreuve: "T011B", centreUAI: centre,
                                  chunk: 1, chunks: 1, candidats: candidats)
        }
        var late = EventEnvelope(producer: "inscriptions", correlationId: "old", payload: publication([x, z]))
        late.occurredAt = Date().addingTimeInterval(-60)
        let older = late
        let newer = EventEnvelope(producer: "inscriptions", correlationId: "new", payload: publication([x, y]))
        let sujet = SujetPublished(sujetId: UUID(), epreuve: "T011B", session: Self.session, code: "R-\(centre)", titre: "T",
                                   dominante: "chimie", materiel: [], baremeVersion: 2, bareme: Self.bareme,
                                   document: DocumentRef(path: "/x", sha256: String(repeating: "0", count: 64), taille: 1),
                                   visibleFrom: Date())
        try await Self.withPlatform { h in
            let commission = "/api/correction/sessions/\(Self.session)/epreuves/T011B/centres/\(centre)"
            try await waitUntil { publisher.isConnected }
            let skipped = try await Processed.duplicatesSkipped(by: h.correction!)
            try await MissionsTests.publish(publisher, newer)
            try await MissionsTests.publish(publisher, newer)
            try await waitUntil { try await h.call(.get, "\(commission)/fiches", as: centreId).status == .ok }
            try await MissionsTests.publish(publisher, older)
            // The withdrawal overtakes the publication; then version 1 of the barème arrives late.
            let withdrawal = EventEnvelope(producer: "referentiel", correlationId: "w",
                                           payload: SujetWithdrawn(sujetId: sujet.sujetId, epreuve: "T011B", session: Self.session))
            try await MissionsTests.publish(publisher, withdrawal)
            let published = EventEnvelope(producer: "referentiel", correlationId: "p", payload: sujet)
            try await MissionsTests.publish(publisher, published)
            var stale = sujet
            stale.baremeVersion = 1
            stale.titre = "Ancienne version"
            let late1 = EventEnvelope(producer: "referentiel", correlationId: "p1", payload: stale)
            try await MissionsTests.publish(publisher, late1)
            // Each of them processed (its inbox row), the duplicate skipped (the inbox's count of them).
            try await Processed.inbox(of: "correction", [older.id, withdrawal.id, published.id, late1.id])
            try await Processed.duplicates(atLeast: skipped + 1, skippedBy: h.correction!)
            let numeros = try await h.decode(Fiches.self, .get, "\(commission)/fiches", as: centreId).items.map(\.numero).sorted()
            #expect(numeros == ["X", "Y"], "the older list neither adds Z nor removes Y")
            struct Offerts: Decodable { var items: [Item]; struct Item: Decodable { var id: UUID } }
            let offerts = try await h.decode(Offerts.self, .get, "\(commission)/sujets", as: centreId).items
            #expect(!offerts.contains { $0.id == sujet.sujetId }, "withdrawn stays withdrawn")
            // The late version 1 of the barème did not replace version 2 (title and barème alike).
            try await withServiceDatabase(HealthTests.configuration("correction", 8084), migrations: []) { client, schema, _ in
                let row = try await client.query("""
                    SELECT bareme_version, titre, retire FROM \(unescaped: schema.name).sujets WHERE id = \(sujet.sujetId)
                    """).collect().first?.decode((Int, String, Bool).self)
                #expect(row?.0 == 2 && row?.1 == "T" && row?.2 == true, "\(String(describing: row))")
            }
            let coordinator = Identity(userId: UUID(), login: "coord.sans.convocation", role: .coordinateur, scope: .academie("03"))
            #expect(try await h.call(.get, commission, as: coordinator).status == .forbidden, "a coordinator needs a convocation")
        }
        await running.stop()
    }

    /// Issue 18 item 9: the sheets printed before the draw (a slot's, one candidate's) carry no
    /// criterion of a subject whose embargo is not over, only those of the subjects already visible.
    @Test func printedSheetsKeepTheEmbargo() async throws {
        let centre = "E\(UUID().uuidString.prefix(7))"
        let tag = UUID().uuidString.prefix(6)
        let centreId = Identity(userId: UUID(), login: "c", role: .centre, scope: .etablissement(centre))
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let publisher = AMQPPublisher(configuration: amqp, appId: "inscriptions", logger: Logger(label: "test"))
        let running = Running(publisher)
        func sujet(_ code: String, _ critere: Critere, visibleFrom: Date) -> SujetPublished {
            SujetPublished(sujetId: UUID(), epreuve: "T012B", session: Self.session, code: "\(code)-\(tag)", titre: "Titre \(code) \(tag)",
                           dominante: nil, materiel: [], baremeVersion: 1,
                           bareme: Bareme(criteres: [critere], appels: [Appel(code: "A1", libelle: "Appel \(code) \(tag)")]),
                           document: DocumentRef(path: "/x", sha256: String(repeating: "0", count: 64), taille: 1),
                           visibleFrom: visibleFrom)
        }
        let ouvert = sujet("OUVERT", Critere(code: "APP", libelle: "Visible \(tag)", poids: 20, echelle: .niveaux(ValeursNiveaux())),
                           visibleFrom: Date().addingTimeInterval(-60))
        let secret = sujet("SECRET", Critere(code: "REA", libelle: "Secret \(tag)", poids: 20, echelle: .niveaux(ValeursNiveaux())),
                           visibleFrom: Date().addingTimeInterval(86_400))
        let publication = AffectationsPublished(
            publicationId: UUID(), session: Self.session, academie: "03", epreuve: "T012B", centreUAI: centre, chunk: 1, chunks: 1,
            candidats: [CandidatAffecte(candidatId: UUID(), numero: "N\(tag)", nom: "Nom", prenoms: "P", categorie: "scolaire",
                                        uaiOrigine: nil, division: nil)])
        try await Self.withPlatform { h in
            let commission = "/api/correction/sessions/\(Self.session)/epreuves/T012B/centres/\(centre)"
            try await waitUntil { publisher.isConnected }
            try await MissionsTests.publish(publisher, EventEnvelope(producer: "inscriptions", correlationId: "e", payload: publication))
            for s in [ouvert, secret] {
                try await MissionsTests.publish(publisher, EventEnvelope(producer: "referentiel", correlationId: "e", payload: s))
            }
            struct Offerts: Decodable { var items: [Item]; struct Item: Decodable { var id: UUID } }
            try await waitUntil {
                let response = try await h.call(.get, "\(commission)/sujets", as: centreId)
                guard response.status == .ok else { return false }
                let ids = try JSONDecoder().decode(Offerts.self, from: response.body).items.map(\.id)
                return ids.contains(ouvert.sujetId) && ids.contains(secret.sujetId)
            }
            let slot = try await h.decode(Created.self, .post, "\(commission)/creneaux",
                                          #"{"jour":"2099-06-03","demiJournee":"matin","sujets":["\#(ouvert.sujetId)","\#(secret.sujetId)"]}"#,
                                          as: centreId, expect: .created).id
            let fiche = try #require(try await h.decode(Fiches.self, .get, "\(commission)/fiches", as: centreId).items.first).id
            #expect(try await h.call(.post, "\(commission)/creneaux/\(slot)/candidats", #"{"fiches":["\#(fiche)"]}"#, as: centreId).status == .ok)

            for path in ["\(commission)/fiches.pdf?creneau=\(slot)", "\(commission)/fiches.pdf", "/api/correction/fiches/\(fiche)/pdf"] {
                let printed = try await h.call(.get, path, as: centreId)
                #expect(printed.status == .ok, "\(path)")
                let text = try Self.tool("pdftotext", ["-layout", "{}", "-"], on: printed.body, suffix: ".pdf")
                #expect(text.contains("Nom".uppercased()) && text.contains("Visible \(tag)"), "\(path): \(text.prefix(600))")
                #expect(!text.contains("Secret \(tag)") && !text.contains("SECRET-\(tag)"), "\(path) prints the embargoed subject")
            }
            // The editor's offer names no subject of a slot under embargo (not even the visible one's id).
            let offre = try await h.call(.get, "/api/correction/fiches/\(fiche)/offre", as: centreId)
            #expect(offre.status == .ok && String(buffer: offre.body).contains(#""visible":false"#)
                    && !String(buffer: offre.body).contains(ouvert.sujetId.uuidString.lowercased())
                    && !String(buffer: offre.body).contains(ouvert.sujetId.uuidString), "\(String(buffer: offre.body))")
        }
        await running.stop()
    }

    /// The editor's offer (issue 20): where the slot offers one subject only, or allows a choice,
    /// the examiner records the subject the candidate drew on paper; elsewhere the platform draws,
    /// and recording is refused.
    @Test func oneSubjectOrAChoiceIsRecordedElsewhereDrawn() async throws {
        let centre = "R\(UUID().uuidString.prefix(7))"
        let tag = UUID().uuidString.prefix(6)
        let centreId = Identity(userId: UUID(), login: "c", role: .centre, scope: .etablissement(centre))
        let examinateur = Identity(userId: UUID(), login: "exam.\(tag.lowercased())", role: .examinateur, scope: .academie("03"))
        let autre = Identity(userId: UUID(), login: "autre.\(tag.lowercased())", role: .examinateur, scope: .academie("03"))
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let publisher = AMQPPublisher(configuration: amqp, appId: "inscriptions", logger: Logger(label: "test"))
        let running = Running(publisher)
        let sujets = (1...3).map { i in
            SujetPublished(sujetId: UUID(), epreuve: "T012B", session: Self.session, code: "S\(i)-\(tag)", titre: "Titre \(i) \(tag)",
                           dominante: nil, materiel: [], baremeVersion: 1, bareme: Self.bareme,
                           document: DocumentRef(path: "/x", sha256: String(repeating: "0", count: 64), taille: 1),
                           visibleFrom: Date().addingTimeInterval(-60))
        }
        let publication = AffectationsPublished(
            publicationId: UUID(), session: Self.session, academie: "03", epreuve: "T012B", centreUAI: centre, chunk: 1, chunks: 1,
            candidats: (1...3).map { CandidatAffecte(candidatId: UUID(), numero: "N\(tag)\($0)", nom: "Nom\($0)", prenoms: "P",
                                                      categorie: "scolaire", uaiOrigine: nil, division: nil) })
        let convocation = ConvocationIssued(
            convocationId: UUID(), missionId: UUID(), kind: .examinateur, session: Self.session, epreuve: "T012B", academie: "03",
            centreUAI: centre, intervenant: Intervenant(id: UUID(), login: examinateur.login, nom: "Exam", prenom: "Test"),
            activationCodeSHA256: String(repeating: "0", count: 64), autorite: "academie:03")
        try await Self.withPlatform { h in
            let commission = "/api/correction/sessions/\(Self.session)/epreuves/T012B/centres/\(centre)"
            try await waitUntil { publisher.isConnected }
            try await MissionsTests.publish(publisher, EventEnvelope(producer: "inscriptions", correlationId: "o", payload: publication))
            try await MissionsTests.publish(publisher, EventEnvelope(producer: "missions", correlationId: "o", payload: convocation))
            for s in sujets { try await MissionsTests.publish(publisher, EventEnvelope(producer: "referentiel", correlationId: "o", payload: s)) }
            struct Offerts: Decodable { var items: [Item]; struct Item: Decodable { var id: UUID } }
            try await waitUntil {
                let response = try await h.call(.get, "\(commission)/sujets", as: centreId)
                let examinateurs = try await h.call(.get, "\(commission)/examinateurs", as: centreId)
                guard response.status == .ok, examinateurs.status == .ok else { return false }
                let offerts = Set(try JSONDecoder().decode(Offerts.self, from: response.body).items.map(\.id))
                let convoques = try JSONDecoder().decode(Examinateurs.self, from: examinateurs.body).items
                return offerts.isSuperset(of: sujets.map(\.sujetId)) && !convoques.isEmpty
            }
            let membre = try await h.decode(Examinateurs.self, .get, "\(commission)/examinateurs", as: centreId).items[0].intervenantId
            let groupe = try await h.decode(Created.self, .post, "\(commission)/groupes", #"{"nom":"Salle","membres":["\#(membre)"]}"#,
                                            as: centreId, expect: .created).id
            let fiches = try await h.decode(Fiches.self, .get, "\(commission)/fiches", as: centreId).items.map(\.id)
            #expect(fiches.count == 3)
            let ids = sujets.map { "\"\($0.sujetId)\"" }
            // One subject only; two to draw from; the three with the examiner recording the one drawn on paper.
            let creneaux: [(jour: String, corps: String, choix: Bool)] = [
                ("2099-06-05", #""matin","sujets":[\#(ids[0])]"#, false),
                ("2099-06-05", #""apres-midi","sujets":[\#(ids[1]),\#(ids[2])]"#, false),
                ("2099-06-06", #""matin","sujets":[\#(ids.joined(separator: ","))]"#, true)]
            for (creneau, fiche) in zip(creneaux, fiches) {
                let slot = try await h.decode(Created.self, .post, "\(commission)/creneaux",
                                              #"{"jour":"\#(creneau.jour)","demiJournee":\#(creneau.corps),"choix":\#(creneau.choix)}"#,
                                              as: centreId, expect: .created).id
                #expect(try await h.call(.post, "\(commission)/creneaux/\(slot)/candidats", #"{"fiches":["\#(fiche)"]}"#, as: centreId).status == .ok)
            }
            #expect(try await h.call(.post, "\(commission)/distribution", #"{"fiches":[\#(fiches.map { "\"\($0)\"" }.joined(separator: ","))],"groupeId":"\#(groupe)"}"#,
                                     as: centreId).status == .ok)

            struct Offre: Decodable { var enregistrement: Bool; var visible: Bool; var sujets: [Item]
                struct Item: Decodable { var id: UUID; var code: String; var titre: String? } }
            let seul = try await h.decode(Offre.self, .get, "/api/correction/fiches/\(fiches[0])/offre", as: examinateur)
            #expect(seul.enregistrement && seul.visible && seul.sujets.map(\.id) == [sujets[0].sujetId] && seul.sujets[0].titre == "Titre 1 \(tag)")
            let tirage = try await h.decode(Offre.self, .get, "/api/correction/fiches/\(fiches[1])/offre", as: examinateur)
            #expect(!tirage.enregistrement && tirage.sujets.count == 2)
            let choix = try await h.decode(Offre.self, .get, "/api/correction/fiches/\(fiches[2])/offre", as: examinateur)
            #expect(choix.enregistrement && choix.sujets.count == 3)
            #expect(try await h.call(.get, "/api/correction/fiches/\(fiches[0])/offre", as: autre).status == .notFound, "not their lot")
            #expect(try await h.call(.get, "/api/correction/fiches/\(fiches[0])/offre", as: centreId).status == .ok, "the centre reads it")

            // One subject: recorded without any choice allowed. Two to draw: recording refused, the draw goes.
            let pose = try await h.decode(Fiche.self, .post, "/api/correction/fiches/\(fiches[0])/sujet",
                                          #"{"version":0,"sujetId":"\#(sujets[0].sujetId)"}"#, as: examinateur)
            #expect(pose.sujet?.id == sujets[0].sujetId && pose.bareme == Self.bareme)
            #expect(try await h.call(.post, "/api/correction/fiches/\(fiches[1])/sujet", #"{"version":0,"sujetId":"\#(sujets[1].sujetId)"}"#,
                                     as: examinateur).status == .conflict)
            #expect(try await h.decode(Fiche.self, .post, "/api/correction/fiches/\(fiches[1])/tirage", #"{"version":0}"#, as: examinateur)
                .sujet.map { [sujets[1].sujetId, sujets[2].sujetId].contains($0.id) } == true)
            // A choice: the subject drawn on paper, offered in the slot; one not offered is refused.
            #expect(try await h.call(.post, "/api/correction/fiches/\(fiches[2])/sujet", #"{"version":0,"sujetId":"\#(UUID())"}"#,
                                     as: examinateur).status == .unprocessableContent)
            #expect(try await h.decode(Fiche.self, .post, "/api/correction/fiches/\(fiches[2])/sujet",
                                       #"{"version":0,"sujetId":"\#(sujets[2].sujetId)"}"#, as: examinateur).sujet?.id == sujets[2].sujetId)
            #expect(try await h.decode(Audit.self, .get, "/api/correction/fiches/\(fiches[2])/audit", as: centreId).items.map(\.action)
                .contains("sujet.choix"))
        }
        await running.stop()
    }

    /// A closing reads each examiner's mission (a withdrawn convocation included), the académie's
    /// coordinators of the exam, and Imag'In replaces the centre's older services faits, each
    /// through an index that names what it looks for: scans of every person or service fait of the
    /// session grew with the square of a national session's closings (Correction migration 19,
    /// Missions migration 20). Sequential scans priced out, the plan says which index conditions remain.
    @Test func theClosingReadsThroughIndexes() async throws {
        func indexConditions(_ client: PostgresClient, _ statement: String, _ logger: Logger) async throws -> [String] {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SET LOCAL enable_seqscan = off", logger: logger)
                return try await connection.query("EXPLAIN \(unescaped: statement)", logger: logger).collect()
                    .map { try $0.decode(String.self) }.filter { $0.contains("Index Cond") }
            }
        }
        try await withServiceDatabase(HealthTests.configuration("correction", 8084), migrations: correctionMigrations) { client, schema, logger in
            let s = schema.name
            let mission = try await indexConditions(client, """
                SELECT mission_id FROM \(s).examinateurs e WHERE e.intervenant_id = '\(UUID())' AND e.kind = 'examinateur'
                  AND e.session = 2027 AND e.epreuve = 'SVT' AND e.centre = '0750001A' ORDER BY e.active DESC LIMIT 1
                """, logger)
            #expect(mission.contains { $0.contains("intervenant_id") }, "\(mission)")
            let coordinateurs = try await indexConditions(client, """
                SELECT DISTINCT intervenant_id, mission_id FROM \(s).examinateurs
                WHERE kind = 'coordinateur' AND active AND session = 2027 AND epreuve = 'SVT' AND academie = '01'
                """, logger)
            #expect(coordinateurs.contains { $0.contains("academie") }, "\(coordinateurs)")
        }
        try await withServiceDatabase(HealthTests.configuration("missions", 8082), migrations: missionsMigrations) { client, schema, logger in
            let remplaces = try await indexConditions(client, """
                DELETE FROM \(schema.name).services_faits WHERE session = 2027 AND epreuve = 'SVT' AND centre = '0750001A'
                  AND closure_id <> '\(UUID())'
                """, logger)
            #expect(remplaces.contains { $0.contains("centre") }, "\(remplaces)")
        }
    }

    /// The draw and the save may stay HOT updates (the new row beside the old, no index touched:
    /// Correction migration 7): no index of `fiches` may cover or filter on a column they write,
    /// and new pages keep room for the next version. So may the placement in a slot and the
    /// distribution into lots (`creneau_id`, `groupe_id`: migration 16).
    @Test func drawAndSaveWriteNoIndexedColumnOfTheSheet() async throws {
        func written(_ sql: String) -> Set<String> {
            guard let set = sql.range(of: " SET "), let end = sql.range(of: " WHERE ", range: set.upperBound..<sql.endIndex) else { return [] }
            return Set(sql[set.upperBound..<end.lowerBound].split(separator: ",").compactMap { assignment in
                assignment.split(separator: "=").first?.trimmingCharacters(in: .whitespacesAndNewlines)
            }.filter { !$0.contains(" ") && !$0.isEmpty })
        }
        let draw = written(EditeurStatements.SujetFixe.sql), save = written(EditeurStatements.Enregistre.sql)
        #expect(draw.isSuperset(of: ["sujet_id", "bareme_version", "version"]) && !draw.contains("bareme"),
                "the draw names the barème's version, never copies it (baremes_figes): \(draw)")
        #expect(save.isSuperset(of: ["grille", "statut", "note_finale", "examinateur_id"]), "\(save)")
        try await withServiceDatabase(HealthTests.configuration("correction", 8084), migrations: correctionMigrations) { client, schema, logger in
            let fiches = "\(schema.name).fiches"
            let rows = try await client.query("""
                SELECT i.indexrelid::regclass::text, a.attname
                FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum > 0
                WHERE i.indrelid = \(fiches)::regclass
                  AND (a.attnum = ANY(i.indkey)
                       OR pg_get_expr(i.indpred, i.indrelid) ~ ('\\m' || a.attname || '\\M')
                       OR pg_get_expr(i.indexprs, i.indrelid) ~ ('\\m' || a.attname || '\\M'))
                """, logger: logger)
            var indexed: [String: String] = [:]
            for try await (index, column) in rows.decode((String, String).self) { indexed[column] = index }
            #expect(indexed["centre"] != nil && indexed["id"] != nil, "the query sees the indexes: \(indexed)")
            for column in draw.union(save).union(["creneau_id", "groupe_id", "modifiee_le"]) {
                #expect(indexed[column] == nil, "\(column) is indexed by \(indexed[column] ?? "")")
            }
            let row = try await client.query("SELECT reloptions FROM pg_class WHERE oid = \(fiches)::regclass", logger: logger)
                .collect().first
            let options = try row?.decode([String]?.self) ?? nil
            #expect(options?.contains("fillfactor=75") == true, "\(String(describing: options))")
            // Autovacuum analyses these tables every few seconds while examiners grade: their JSON
            // columns, which no query filters on, are left out (sorting them cost seconds of CPU).
            let analysed = try await client.query("""
                SELECT attrelid::regclass::text || '.' || attname FROM pg_attribute
                WHERE attrelid IN (\(fiches)::regclass, \("\(schema.name).audit")::regclass)
                  AND atttypid = 'jsonb'::regtype AND attstattarget <> 0 AND NOT attisdropped
                """, logger: logger).collect().map { try $0.decode(String.self) }
            #expect(analysed.isEmpty, "JSON columns still analysed: \(analysed)")
        }
    }

    /// Each draw and save also adds an audit row and a graded sheet's levels (about four rows):
    /// they enter only the B-trees something reads them by (Correction migrations 21 and 22) — a
    /// sheet's audit by the sheet, its levels by their key; the commission's journal indexes its
    /// own rows only, the national levels count has a BRIN.
    @Test func aSavesAuditAndLevelsEnterOnlyTheIndexesThatAreRead() async throws {
        try await withServiceDatabase(HealthTests.configuration("correction", 8084), migrations: correctionMigrations) { client, schema, logger in
            let rows = try await client.query("""
                SELECT c.relname::text, x.relname::text, am.amname::text, COALESCE(pg_get_expr(i.indpred, i.indrelid), '')
                FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
                JOIN pg_am am ON am.oid = x.relam
                WHERE c.relnamespace = \(schema.name)::regnamespace AND c.relname IN ('audit', 'evaluations')
                """, logger: logger)
            var everySheetRow: Set<String> = [], others: [String: String] = [:]
            for try await (table, name, method, predicate) in rows.decode((String, String, String, String).self) {
                if method == "btree" && !predicate.contains("fiche_id IS NULL") { everySheetRow.insert("\(table).\(name)") }
                else { others[name] = "\(method) \(predicate)" }
            }
            #expect(everySheetRow == ["audit.audit_pkey", "audit.audit_fiche", "evaluations.evaluations_pkey"], "\(everySheetRow)")
            #expect(others["audit_commission"]?.hasPrefix("btree") == true && others["evaluations_session"] == "brin ", "\(others)")
        }
    }
}
