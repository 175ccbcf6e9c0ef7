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

/// The candidates import through the gateway (issue 5), against the real database.
@Suite(.serialized) struct InscriptionsTests {
    static let besancon = Identity(userId: UUID(), login: "gest.03", role: .gestionnaire, scope: .academie("03"))
    static let paris = Identity(userId: UUID(), login: "gest.01", role: .gestionnaire, scope: .academie("01"))
    static let session = 2099

    struct Report: Decodable {
        var lignes: Int
        var candidats: Int
        var inscriptions: Int
        var encodage: String
    }

    /// A designation reads the person's other designations (their authorities): by an index on the
    /// person, not by a scan of every designation, which grew with the square of a national session's.
    @Test func aPersonsDesignationsAreReadThroughAnIndex() async throws {
        try await withServiceDatabase(HealthTests.configuration("inscriptions", 8081), migrations: inscriptionsMigrations) { client, schema, logger in
            let leading = try await client.query("""
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                WHERE i.indrelid = \("\(schema.name).designations")::regclass
                """, logger: logger).collect().map { try $0.decode(String.self) }
            #expect(leading.contains("session"), "the query sees the indexes: \(leading)")
            #expect(leading.contains("intervenant_id"), "no index leads with intervenant_id: \(leading)")
        }
    }

    /// A group's designations are exported after they commit, those arriving together once; one
    /// committing while its group is being exported (the export having read the group without it)
    /// waits for that export and asks for another, so the newest export has everyone. No export
    /// worker runs here: the test claims and exports by hand.
    @Test func aGroupsDesignationsAreExportedTogetherAndNoneIsLost() async throws {
        try await withServiceDatabase(HealthTests.configuration("inscriptions", 8081), migrations: inscriptionsMigrations) { client, schema, logger in
            let s = schema.name
            try await DemoReferenceData.seed(client: client, schema: schema, logger: logger)
            let session = 2097  // this test's own: its group holds only its people
            let p = "x\(UUID().uuidString.prefix(6).lowercased())"
            let correlation = "test-\(p)"
            let designations = DesignationRepository(client: client, schema: schema, outbox: Outbox(schema: schema, producer: "inscriptions"),
                                                     logger: logger)
            let groupe = GroupeDesignation(session: session, academie: "03", epreuve: "T011B", role: .examinateur, centre: "0251080N")
            @Sendable func cleanUp() async throws {
                try await client.query("DELETE FROM \(unescaped: s).designations WHERE session = \(session)", logger: logger)
                try await client.query("DELETE FROM \(unescaped: s).exports_a_faire WHERE session = \(session)", logger: logger)
                // Nobody consumes these: they would reach other tests' recorders.
                try await client.query("DELETE FROM \(unescaped: s).outbox WHERE correlation_id = \(correlation)", logger: logger)
            }
            try await cleanUp()
            @Sendable func designate(_ n: Int) async throws {
                _ = try await designations.designate(
                    DemandeDesignation(role: .examinateur, epreuve: "T011B", centre: "0251080N",
                                       intervenant: .init(login: "\(p).prof\(n)", nom: "Curie", prenom: "Marie")),
                    groupe: groupe, autorite: .init(academie: "03", uai: "0251080N"), by: UUID(), correlationId: correlation)
            }
            /// The people of each export of the group, oldest first.
            @Sendable func exported() async throws -> [[String]] {
                let rows = try await client.query("""
                    SELECT body FROM \(unescaped: s).outbox WHERE correlation_id = \(correlation) ORDER BY seq
                    """, logger: logger)
                var result: [[String]] = []
                for try await body in rows.decode(String.self) {
                    let envelope = try EventCoding.decoder.decode(EventEnvelope<IntervenantsExported>.self, from: Data(body.utf8))
                    result.append(envelope.payload.intervenants.map(\.login))
                }
                return result
            }
            /// The requests folded into the group's waiting export; nil when none waits.
            @Sendable func waiting() async throws -> Int? {
                try await client.query("SELECT demandes FROM \(unescaped: s).exports_a_faire WHERE session = \(session)",
                                       logger: logger).collect().first?.decode(Int.self)
            }

            for n in 1...3 { try await designate(n) }
            #expect(try await waiting() == 3, "three designations, one export asked")
            #expect(try await exported().isEmpty, "nothing is exported inside a designation's transaction")
            while try await designations.exportOne() {}
            #expect(try await exported() == [[1, 2, 3].map { "\(p).prof\($0)" }])
            #expect(try await waiting() == nil)
            try await designate(2)
            #expect(try await waiting() == nil, "designating the same person again asks nothing")

            // The race: an export has claimed the group and read it (without prof5) when prof5's
            // designation reaches its request for an export.
            try await designate(4)
            let fifth = try await client.withTransaction(logger: logger) { connection in
                let claimed = try await connection.query("""
                    SELECT 1 FROM \(unescaped: s).exports_a_faire WHERE session = \(session) FOR UPDATE
                    """, logger: logger).collect()
                #expect(claimed.count == 1)
                let fifth = Task { try await designate(5) }
                try await waitUntil {
                    try await client.query("""
                        SELECT count(*) FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%exports_a_faire%'
                        """, logger: logger).collect().first?.decode(Int.self) == 1
                }
                try await connection.query("DELETE FROM \(unescaped: s).exports_a_faire WHERE session = \(session)", logger: logger)
                return fifth
            }
            try await fifth.value
            #expect(try await waiting() == 1, "prof5's designation asked for a new export once the running one ended")
            while try await designations.exportOne() {}
            #expect(try await exported().last == (1...5).map { "\(p).prof\($0)" }, "the newest export has everyone")
            try await cleanUp()
        }
    }

    /// Designating a person again is how a school or an académie corrects them: with the same data
    /// it asks for nothing; with a corrected e-mail, every group of theirs this session is exported
    /// again (Imag'In updates a person from any export), not only the group designated in — this
    /// one asked for nothing, since the designation existed, and Imag'In kept the old address.
    @Test func aCorrectedPersonIsExportedAgainInEveryGroupOfTheirs() async throws {
        try await withServiceDatabase(HealthTests.configuration("inscriptions", 8081), migrations: inscriptionsMigrations) { client, schema, logger in
            let s = schema.name
            try await DemoReferenceData.seed(client: client, schema: schema, logger: logger)
            let session = 2095  // this test's own
            let p = "x\(UUID().uuidString.prefix(6).lowercased())"
            let correlation = "test-\(p)"
            let designations = DesignationRepository(client: client, schema: schema, outbox: Outbox(schema: schema, producer: "inscriptions"),
                                                     logger: logger)
            let examen = GroupeDesignation(session: session, academie: "03", epreuve: "T011B", role: .examinateur, centre: "0251080N")
            let coordination = GroupeDesignation(session: session, academie: "03", epreuve: "T011B", role: .coordinateur, centre: nil)
            @Sendable func cleanUp() async throws {
                try await client.query("DELETE FROM \(unescaped: s).designations WHERE session = \(session)", logger: logger)
                try await client.query("DELETE FROM \(unescaped: s).exports_a_faire WHERE session = \(session)", logger: logger)
                try await client.query("DELETE FROM \(unescaped: s).outbox WHERE correlation_id = \(correlation)", logger: logger)
            }
            try await cleanUp()
            @Sendable func designate(_ groupe: GroupeDesignation, email: String?, login: String? = nil, nom: String = "Curie") async throws {
                _ = try await designations.designate(
                    DemandeDesignation(role: groupe.role, epreuve: "T011B", centre: groupe.centre,
                                       intervenant: .init(login: login ?? "\(p).prof", nom: nom, prenom: "Marie", email: email)),
                    groupe: groupe, autorite: .init(academie: "03", uai: nil), by: UUID(), correlationId: correlation)
            }
            @Sendable func waiting() async throws -> Int {
                try await client.query("SELECT count(*)::int FROM \(unescaped: s).exports_a_faire WHERE session = \(session)",
                                       logger: logger).collect().first?.decode(Int.self) ?? 0
            }
            /// Each export of this test: its role, and the e-mail it carries for each login.
            @Sendable func exported() async throws -> [(role: MissionKind, emails: [String: String])] {
                let rows = try await client.query("""
                    SELECT body FROM \(unescaped: s).outbox WHERE correlation_id = \(correlation) ORDER BY seq
                    """, logger: logger)
                var result: [(role: MissionKind, emails: [String: String])] = []
                for try await body in rows.decode(String.self) {
                    let export = try EventCoding.decoder.decode(EventEnvelope<IntervenantsExported>.self, from: Data(body.utf8)).payload
                    result.append((export.role, Dictionary(uniqueKeysWithValues: export.intervenants.map { ($0.login, $0.email ?? "") })))
                }
                return result
            }

            try await designate(examen, email: "marie@old.test")
            try await designate(examen, email: "pierre@old.test", login: "\(p).autre")
            try await designate(coordination, email: "marie@old.test")
            #expect(try await waiting() == 2)
            while try await designations.exportOne() {}
            #expect(try await exported().count == 2)
            try await designate(examen, email: "marie@old.test")
            #expect(try await waiting() == 0, "the same person with the same data asks for nothing")
            try await designate(examen, email: "marie@new.test")
            #expect(try await waiting() == 2, "the corrected person's two groups are asked for")
            while try await designations.exportOne() {}
            let again = try await exported().dropFirst(2)
            #expect(Set(again.map(\.role)) == [.examinateur, .coordinateur], "\(again)")
            #expect(again.allSatisfy { $0.emails["\(p).prof"] == "marie@new.test" }, "\(again)")
            #expect(again.first { $0.role == .examinateur }?.emails["\(p).autre"] == "pierre@old.test", "the group's others still in it")
            // Left out, the e-mail is kept: nothing changed, nothing asked (a wiped address would leave Imag'In unable to mail).
            try await designate(examen, email: nil)
            #expect(try await waiting() == 0, "a designation without the e-mail keeps it")
            try await designate(coordination, email: nil, nom: "Curie-Sklodowska")
            #expect(try await waiting() == 2, "a corrected name is exported to both groups too")
            while try await designations.exportOne() {}
            #expect(try await exported().dropFirst(4).allSatisfy { $0.emails["\(p).prof"] == "marie@new.test" })
            try await cleanUp()
        }
    }

    struct Page: Decodable { var total: Int }

    static func withPlatform(_ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        try await withService { client, _ in try await test(client) }
    }

    /// The same, with Inscriptions itself too (its `/metrics`).
    static func withService(_ test: @Sendable @escaping (_ gateway: any TestClientProtocol, _ inscriptions: any TestClientProtocol) async throws -> Void)
        async throws {
        let configuration = HealthTests.configuration("inscriptions", 8081)
        try await withServiceDatabase(configuration, migrations: inscriptionsMigrations) { client, schema, logger in
            try await DemoReferenceData.seed(client: client, schema: schema, logger: logger)
        }
        let inscriptions = try await Inscriptions.buildApplication(configuration)
        try await inscriptions.test(.live) { service in
            let gateway = try await Gateway.buildApplication(HealthTests.configuration(
                "gateway", 8080, ["INSCRIPTIONS_URL": "http://127.0.0.1:\(service.port!)"]))
            try await gateway.test(.live) { client in try await test(client, service) }
        }
    }

    static func upload(_ client: some TestClientProtocol, _ text: String, as identity: Identity = besancon,
                       query: String = "") async throws -> TestResponse {
        try await client.execute(uri: "/api/inscriptions/sessions/\(session)/import\(query)", method: .post,
                                 headers: [.authorization: "Bearer \(try await TestKeys.token(identity))",
                                           .contentType: "text/csv"],
                                 body: ByteBuffer(string: text))
    }

    static func total(_ client: some TestClientProtocol, as identity: Identity = besancon) async throws -> Int {
        let response = try await client.execute(uri: "/api/inscriptions/sessions/\(session)/candidats?perPage=1", method: .get,
                                                headers: [.authorization: "Bearer \(try await TestKeys.token(identity))"])
        #expect(response.status == .ok)
        return try JSONDecoder().decode(Page.self, from: response.body).total
    }

    @Test func aRealisticFileIsImportedOnceAndABrokenOneChangesNothing() async throws {
        let prefix = "T\(UUID().uuidString.prefix(6))"
        let file = CandidatsFile.generate(lines: 3000, uais: ["0251080N", "0250007X", "0250058C", "0390013C"],
                                          numeroPrefix: prefix)
        try await Self.withPlatform { client in
            let before = try await Self.total(client)
            let imported = try await Self.upload(client, file)
            #expect(imported.status == .ok, "\(String(buffer: imported.body).prefix(500))")
            let report = try JSONDecoder().decode(Report.self, from: imported.body)
            #expect(report.lignes == 3000 && report.inscriptions == 3000 && report.encodage == "UTF-8")
            let after = try await Self.total(client)
            #expect(after == before + report.candidats)

            // The same file again: nothing new.
            let again = try JSONDecoder().decode(Report.self, from: try await Self.upload(client, file).body)
            let totalAgain = try await Self.total(client)
            #expect(again.inscriptions == 0 && totalAgain == after)

            // A broken file: refused whole, with every error located, and nothing imported.
            var lines = CandidatsFile.generate(lines: 500, uais: ["0251080N"], numeroPrefix: prefix + "X")
                .split(separator: "\n").map(String.init)
            lines[10] = lines[10].replacingOccurrences(of: "0251080N", with: "0251080A")
            lines[20] = lines[20].replacingOccurrences(of: ";BCG;", with: ";XYZ;")
            lines[30] = lines[30].replacingOccurrences(of: "0251080N", with: "0750654D")
            let refused = try await Self.upload(client, lines.joined(separator: "\n"))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let problem = String(buffer: refused.body)
            for located in [#""field":"uai","line":11"#, #""field":"filiere","line":21"#, #""field":"uai","line":31"#] {
                #expect(problem.contains(located), "\(located) in \(problem.prefix(600))")
            }
            #expect(try await Self.total(client) == after, "nothing of the refused file was imported")

            // Partial mode imports the valid lines and reports the others.
            let partial = try await Self.upload(client, lines.joined(separator: "\n"), query: "?partiel=true")
            #expect(partial.status == .ok)
            #expect(try JSONDecoder().decode(Report.self, from: partial.body).inscriptions == 497)
        }
    }

    /// Issue 18 item 7: a 30 MB single line is refused with its line and column, and nothing is imported.
    @Test func aThirtyMegabyteLineIsRefusedWithItsPlace() async throws {
        let header = "numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\n"
        let file = header + String(repeating: "x", count: 30_000_000)
        // Straight to the service: the gateway's own body limit is not what is tested here.
        let configuration = HealthTests.configuration("inscriptions", 8081)
        try await withServiceDatabase(configuration, migrations: inscriptionsMigrations) { client, schema, logger in
            try await DemoReferenceData.seed(client: client, schema: schema, logger: logger)
        }
        try await Inscriptions.buildApplication(configuration).test(.live) { client in
            let before = try await Self.total(client)
            let refused = try await Self.upload(client, file)
            #expect(refused.status == .unprocessableContent, "\(String(buffer: refused.body).prefix(300))")
            let body = String(buffer: refused.body)
            #expect(body.contains(#""line":2"#) && body.contains(#""field":"ligne""#), "\(body.prefix(300))")
            #expect(try await Self.total(client) == before)
        }
    }

    @Test func eachAcademieSeesItsOwnCandidatesOnly() async throws {
        let prefix = "P\(UUID().uuidString.prefix(6))"
        try await Self.withPlatform { client in
            let parisBefore = try await Self.total(client, as: Self.paris)
            let file = CandidatsFile.generate(lines: 50, uais: ["0251080N"], numeroPrefix: prefix)
            #expect(try await Self.upload(client, file).status == .ok)
            #expect(try await Self.total(client, as: Self.paris) == parisBefore, "Paris does not see Besançon's candidates")
            // Paris cannot register Besançon's pupils.
            let foreign = try await Self.upload(client, file, as: Self.paris)
            #expect(foreign.status == .unprocessableContent)
            #expect(String(buffer: foreign.body).contains("autre académie"))
            for identity in [Identity(userId: UUID(), login: "c", role: .centre, scope: .etablissement("0251080N")),
                             Identity(userId: UUID(), login: "e", role: .examinateur, scope: .academie("03"))] {
                #expect(try await Self.upload(client, file, as: identity).status == .forbidden)
            }
        }
    }

    static func post(_ client: some TestClientProtocol, _ path: String, _ json: String, as identity: Identity) async throws
        -> TestResponse {
        try await client.execute(uri: "/api/inscriptions/sessions/\(session)/\(path)", method: .post,
                                 headers: [.authorization: "Bearer \(try await TestKeys.token(identity))",
                                           .contentType: "application/json"],
                                 body: ByteBuffer(string: json))
    }

    static func assignment(_ numero: String, _ epreuve: String, _ centre: String) -> String {
        #"{"affectations":[{"numero":"\#(numero)","epreuve":"\#(epreuve)","centre":"\#(centre)"}]}"#
    }

    /// The road map's two actors: the gestionnaire assigns (and must for the special cases), delegates
    /// an exam to a school, which then assigns its own pupils; every refusal explains itself.
    @Test func assignmentWithDelegation() async throws {
        let p = "A\(UUID().uuidString.prefix(6))"
        let file = """
            numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve
            \(p)1;Martin;Léa;01/01/2008;scolaire;0251671F;T1;BCG;T011B
            \(p)1;Martin;Léa;01/01/2008;scolaire;0251671F;T1;BCG;T012B
            \(p)2;Durand;Hugo;02/02/2008;scolaire;0251671F;T1;BCG;T011B
            \(p)3;Petit;Zoé;03/03/2008;scolaire;0390786T;T2;BCG;T011B
            \(p)4;Roux;Noé;04/04/2007;individuel;;;BTN;T029B
            """
        let school = Identity(userId: UUID(), login: "etab", role: .etablissement, scope: .etablissement("0251671F"))
        try await Self.withPlatform { client in
            #expect(try await Self.upload(client, file).status == .ok)
            // Runs share the session: start without the delegation an earlier run left.
            _ = try await client.execute(uri: "/api/inscriptions/sessions/\(Self.session)/delegations/T011B/0251671F",
                                         method: .delete,
                                         headers: [.authorization: "Bearer \(try await TestKeys.token(Self.besancon))"])
            func refused(_ response: TestResponse, _ reason: String) {
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains(reason), "\(reason) in \(String(buffer: response.body))")
            }
            // Before delegation the school may not assign.
            refused(try await Self.post(client, "affectations", Self.assignment("\(p)1", "T011B", "0251080N"), as: school),
                    "non déléguée")
            let delegated = try await Self.post(client, "delegations", #"{"epreuve":"T011B","uai":"0251671F"}"#, as: Self.besancon)
            #expect(delegated.status == .created)
            #expect(try await Self.post(client, "delegations", #"{"epreuve":"T011B","uai":"0750654D"}"#, as: Self.besancon)
                .status == .unprocessableContent, "Paris' school is not Besançon's to delegate to")

            // The school now sees its own pupils, for the delegated exam only.
            let schoolToken = try await TestKeys.token(school)
            struct Numeros: Decodable { var items: [Item]; struct Item: Decodable { var numero: String } }
            let seen = try await client.execute(
                uri: "/api/inscriptions/sessions/\(Self.session)/candidats?epreuve=T011B&perPage=1000", method: .get,
                headers: [.authorization: "Bearer \(schoolToken)"])
            #expect(seen.status == .ok)
            let numeros = try JSONDecoder().decode(Numeros.self, from: seen.body).items.map(\.numero).filter { $0.hasPrefix(p) }
            #expect(Set(numeros) == ["\(p)1", "\(p)2"], "not \(p)3 of another school")
            for uri in ["candidats", "candidats?epreuve=T012B"] {
                let status = try await client.execute(uri: "/api/inscriptions/sessions/\(Self.session)/\(uri)", method: .get,
                                                      headers: [.authorization: "Bearer \(schoolToken)"]) { $0.status }
                #expect(status == .forbidden, "\(uri)")
            }

            // The school assigns its own pupil for the delegated exam, and nothing else.
            #expect(try await Self.post(client, "affectations", Self.assignment("\(p)1", "T011B", "0251080N"), as: school)
                .status == .ok)
            refused(try await Self.post(client, "affectations", Self.assignment("\(p)1", "T012B", "0251080N"), as: school),
                    "non déléguée")
            refused(try await Self.post(client, "affectations", Self.assignment("\(p)3", "T011B", "0251080N"), as: school),
                    "autre établissement")

            // Special cases and centre rules are for the gestionnaire, and explained.
            #expect(try await Self.post(client, "affectations", Self.assignment("\(p)3", "T011B", "0390013C"), as: Self.besancon)
                .status == .ok, "non-autonomous school's pupil")
            refused(try await Self.post(client, "affectations", Self.assignment("\(p)4", "T029B", "0251080N"), as: Self.besancon),
                    "n'accueille pas")
            refused(try await Self.post(client, "affectations", Self.assignment("\(p)4", "T029B", "0251671F"), as: Self.besancon),
                    "pas un centre")
            #expect(try await Self.post(client, "affectations", Self.assignment("\(p)4", "T029B", "0250007X"), as: Self.besancon)
                .status == .ok, "individual STL candidate")
            refused(try await Self.post(client, "affectations", Self.assignment("\(p)1", "T011B", "0750654D"), as: Self.besancon),
                    "autre académie")

            // A batch is all or nothing.
            let mixed = #"{"affectations":[{"numero":"\#(p)2","epreuve":"T011B","centre":"0251080N"},{"numero":"\#(p)9","epreuve":"T011B","centre":"0251080N"}]}"#
            let batch = try await Self.post(client, "affectations", mixed, as: Self.besancon)
            refused(batch, "affectations[1]")

            // The suggestion for the one still unassigned: a T011B centre of the académie with room.
            let response = try await client.execute(
                uri: "/api/inscriptions/sessions/\(Self.session)/affectations/suggestions?epreuve=T011B", method: .get,
                headers: [.authorization: "Bearer \(try await TestKeys.token(Self.besancon))"])
            #expect(response.status == .ok)
            struct Items: Decodable { var items: [Item]; struct Item: Decodable { var numero: String; var centre: String? } }
            let mine = try JSONDecoder().decode(Items.self, from: response.body).items.filter { $0.numero.hasPrefix(p) }
            #expect(mine.map(\.numero) == ["\(p)2"])
            #expect(["0251080N", "0250007X", "0250058C", "0390013C"].contains(mine.first?.centre ?? ""))
        }
    }

    /// `affectations.published` per centre × exam, with what Correction needs (division, school of origin).
    @Test func publishedAssignmentsReachAConsumerOnce() async throws {
        let p = "U\(UUID().uuidString.prefix(6))"
        let file = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"]
            + (1...3).map { "\(p)\($0);Roux;Noé;01/01/2008;scolaire;0250007X;TG\($0);BCG;T012B" }).joined(separator: "\n")
        let recorder = try await RecordingConsumer(
            type: AffectationsPublished.eventType,
            columns: "message_id uuid, numero text, division text, origine text, chunk int, chunks int") { event, connection, logger, table in
            let published = try event.payload(as: AffectationsPublished.self)
            for c in published.candidats where c.numero.hasPrefix(p) {
                try await connection.query("""
                    INSERT INTO \(unescaped: table) VALUES (\(event.id), \(c.numero), \(c.division), \(c.uaiOrigine),
                                                            \(published.chunk), \(published.chunks))
                    """, logger: logger)
            }
        }
        let table = recorder.table
        let harness = recorder.harness
        try await Self.withPlatform { client in
            #expect(try await Self.upload(client, file).status == .ok)
            let assignments = (1...3).map { #"{"numero":"\#(p)\#($0)","epreuve":"T012B","centre":"0250007X"}"# }
            #expect(try await Self.post(client, "affectations", #"{"affectations":[\#(assignments.joined(separator: ","))]}"#,
                                        as: Self.besancon).status == .ok)
            let published = try await Self.post(client, "affectations/publish?epreuve=T012B", "", as: Self.besancon)
            #expect(published.status == .ok, "\(String(buffer: published.body))")
            try await waitUntil {
                (try await harness.client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(table)")).collect()
                    .first?.decode(Int.self) ?? 0) >= 3
            }
        }
        // Every event Inscriptions committed for these candidates reached the consumer: none still to come.
        let events = try await Processed.outbox(of: "inscriptions", where: "event_type = 'affectations.published' AND body ILIKE '%\(p)1%'")
        #expect(!events.isEmpty)
        try await Processed.inbox(events, client: harness.client, schema: harness.schema.name)
        let rows = try await harness.client.query(PostgresQuery(unsafeSQL: "SELECT numero, division, origine, chunk, chunks FROM \(table) ORDER BY numero"))
        var seen: [String] = []
        for try await (numero, division, origine, chunk, chunks) in rows.decode((String, String?, String?, Int, Int).self) {
            seen.append(numero)
            #expect(division == "TG" + numero.suffix(1) && origine == "0250007X" && chunk <= chunks)
        }
        #expect(seen == ["\(p)1", "\(p)2", "\(p)3"], "each candidate once")
        try await recorder.stop()
    }

    /// Schools designate examiners, the gestionnaire coordinators; every change re-exports the group
    /// (`intervenants.exported`, a full snapshot with a growing version); repeats change nothing.
    @Test func designationsAreExportedAutomatically() async throws {
        let p = "d\(UUID().uuidString.prefix(6).lowercased())"
        let school = Identity(userId: UUID(), login: "etab", role: .etablissement, scope: .etablissement("0251080N"))
        let recorder = try await RecordingConsumer(
            type: IntervenantsExported.eventType, columns: "version bigint, role text, centre text, logins text[]") {
            event, connection, logger, table in
            let export = try event.payload(as: IntervenantsExported.self)
            try await connection.query("""
                INSERT INTO \(unescaped: table) VALUES (\(export.exportVersion), \(export.role.rawValue), \(export.centreUAI),
                                                        \(export.intervenants.map(\.login).filter { $0.hasPrefix(p) }))
                """, logger: logger)
        }
        let table = recorder.table
        let harness = recorder.harness

        @Sendable func person(_ login: String, uai: String? = nil) -> String {
            #"{"login":"\#(login)","nom":"Curie","prenom":"Marie"\#(uai.map { #","uai":"\#($0)""# } ?? "")}"#
        }
        /// This test's people in the newest snapshot of the role (only this test changes groups meanwhile).
        @Sendable func latest(_ role: String) async throws -> [String] {
            let rows = try await harness.client.query(PostgresQuery(unsafeSQL:
                "SELECT logins FROM \(table) WHERE role = '\(role)' ORDER BY version DESC LIMIT 1"))
            for try await logins in rows.decode([String].self) { return logins.sorted() }
            return []
        }
        try await Self.withPlatform { client in
            let first = #"{"role":"examinateur","epreuve":"T011B","centre":"0251080N","intervenant":\#(person(p + ".prof1"))}"#
            let created = try await Self.post(client, "designations", first, as: school)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let again = try await Self.post(client, "designations", first, as: school)
            #expect(again.status == .created && String(buffer: again.body) == String(buffer: created.body), "idempotent")
            let second = #"{"role":"examinateur","epreuve":"T011B","centre":"0251080N","intervenant":{"login":"\#(p).prof2","nom":"Curie","prenom":"Pierre","divisions":["T3","T4"]}}"#
            #expect(try await Self.post(client, "designations", second, as: school).status == .created)
            try await waitUntil { try await latest("examinateur") == ["\(p).prof1", "\(p).prof2"] }
            // Designations at the same time: the newest export still has everyone (exported after they commit).
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for n in 3...10 {
                    group.addTask {
                        let body = #"{"role":"examinateur","epreuve":"T011B","centre":"0251080N","intervenant":\#(person(p + ".prof\(n)"))}"#
                        return try await Self.post(client, "designations", body, as: school).status
                    }
                }
                for try await status in group { #expect(status == .created) }
            }
            try await waitUntil { try await latest("examinateur") == (1...10).map { "\(p).prof\($0)" }.sorted() }
            let listed = try await client.execute(uri: "/api/inscriptions/sessions/\(Self.session)/designations?epreuve=T011B",
                                                  method: .get, headers: [.authorization: "Bearer \(try await TestKeys.token(school))"])
            #expect(String(buffer: listed.body).contains(#""divisions":["T3","T4"]"#), "the teacher's divisions travel with them")

            // Refusals: another académie's centre, another school's teacher, a coordinator by a school.
            let paris = #"{"role":"examinateur","epreuve":"T011B","centre":"0750654D","intervenant":\#(person(p + ".x"))}"#
            #expect(try await Self.post(client, "designations", paris, as: school).status == .forbidden)
            let foreign = #"{"role":"examinateur","epreuve":"T011B","centre":"0251080N","intervenant":\#(person(p + ".y", uai: "0250007X"))}"#
            #expect(try await Self.post(client, "designations", foreign, as: school).status == .forbidden)
            let notHosted = #"{"role":"examinateur","epreuve":"T029B","centre":"0251080N","intervenant":\#(person(p + ".z"))}"#
            #expect(try await Self.post(client, "designations", notHosted, as: school).status == .unprocessableContent)
            let coordinator = #"{"role":"coordinateur","epreuve":"T011B","intervenant":\#(person(p + ".coord"))}"#
            #expect(try await Self.post(client, "designations", coordinator, as: school).status == .forbidden)
            #expect(try await Self.post(client, "designations", coordinator, as: Self.besancon).status == .created)
            try await waitUntil { try await latest("coordinateur") == ["\(p).coord"] }

            // Removing one re-exports the group without them.
            struct Created: Decodable { var id: UUID }
            let id = try JSONDecoder().decode(Created.self, from: created.body).id
            let removed = try await client.execute(
                uri: "/api/inscriptions/sessions/\(Self.session)/designations/\(id)", method: .delete,
                headers: [.authorization: "Bearer \(try await TestKeys.token(school))"])
            #expect(removed.status == .noContent)
            try await waitUntil { try await latest("examinateur") == (2...10).map { "\(p).prof\($0)" }.sorted() }
        }
        try await recorder.stop()
    }

    /// The gestionnaire names a person's school (which then sees them in Imag'In): only one of its
    /// académie's — neither another académie's (403) nor an unknown one (422) — and nothing is stored
    /// when refused, a person already designated keeping theirs. A lower-case UAI is stored as the school's.
    @Test func aGestionnaireNamesOnlyASchoolOfItsAcademie() async throws {
        let p = "u\(UUID().uuidString.prefix(6).lowercased())"
        @Sendable func designation(_ login: String, uai: String, role: String = "examinateur") -> String {
            let centre = role == "examinateur" ? #""centre":"0251080N","# : ""
            return #"{"role":"\#(role)","epreuve":"T011B",\#(centre)"intervenant":{"login":"\#(login)","nom":"Curie","prenom":"Marie","uai":"\#(uai)"}}"#
        }
        struct Liste: Decodable { var items: [Item]
            struct Item: Decodable { var intervenant: Personne }
            struct Personne: Decodable { var login: String; var uai: String? } }
        try await Self.withPlatform { client in
            func schools() async throws -> [String: String?] {
                let listed = try await Self.request(client, .get, "sessions/\(Self.session)/designations?epreuve=T011B")
                let items = try JSONDecoder().decode(Liste.self, from: listed.body).items.filter { $0.intervenant.login.hasPrefix(p) }
                return Dictionary(items.map { ($0.intervenant.login, $0.intervenant.uai) }, uniquingKeysWith: { a, _ in a })
            }
            let paris = try await Self.post(client, "designations", designation("\(p).a", uai: "0750654D"), as: Self.besancon)
            #expect(paris.status == .forbidden, "\(String(buffer: paris.body))")
            #expect(try await Self.post(client, "designations", designation("\(p).c", uai: "0750654D", role: "coordinateur"),
                                        as: Self.besancon).status == .forbidden)
            let unknown = try await Self.post(client, "designations", designation("\(p).a", uai: "0750653C"), as: Self.besancon)
            #expect(unknown.status == .unprocessableContent && String(buffer: unknown.body).contains(#""field":"intervenant.uai""#),
                    "\(String(buffer: unknown.body))")
            #expect(try await schools().isEmpty, "nothing stored")

            #expect(try await Self.post(client, "designations", designation("\(p).a", uai: "0250007x"), as: Self.besancon).status == .created)
            #expect(try await Self.post(client, "designations", designation("\(p).c", uai: "0251671F", role: "coordinateur"),
                                        as: Self.besancon).status == .created)
            #expect(try await Self.post(client, "designations", designation("\(p).a", uai: "0750654D"), as: Self.besancon).status == .forbidden)
            #expect(try await schools() == ["\(p).a": "0250007X", "\(p).c": "0251671F"], "the school's code; the refused correction changed nothing")
        }
    }

    /// A school or an académie designates its whole list from a file (`POST …/designations/import`):
    /// each line checked as one designation is — the centre, the person's school, who owns the login —
    /// all of it or nothing, every error with its line; the file's groups exported once each.
    @Test func aWholeListIsDesignatedFromAFileAllOrNothing() async throws {
        let p = "f\(UUID().uuidString.prefix(6).lowercased())"
        let school = Identity(userId: UUID(), login: "etab", role: .etablissement, scope: .etablissement("0251080N"))
        let recorder = try await RecordingConsumer(
            type: IntervenantsExported.eventType, columns: "role text, epreuve text, centre text, logins text[]") {
            event, connection, logger, table in
            let export = try event.payload(as: IntervenantsExported.self)
            let logins = export.intervenants.map(\.login).filter { $0.hasPrefix(p) }
            guard !logins.isEmpty else { return }
            try await connection.query("""
                INSERT INTO \(unescaped: table) VALUES (\(export.role.rawValue), \(export.epreuve), \(export.centreUAI ?? ""), \(logins.sorted()))
                """, logger: logger)
        }
        /// Each export of this test's people: "role epreuve centre: logins".
        @Sendable func exports() async throws -> [String] {
            let rows = try await recorder.harness.client.query(PostgresQuery(unsafeSQL:
                "SELECT role || ' ' || epreuve || ' ' || centre || ': ' || array_to_string(logins, ' ') FROM \(recorder.table) ORDER BY 1"))
            var result: [String] = []
            for try await line in rows.decode(String.self) { result.append(line) }
            return result
        }
        struct Liste: Decodable { var items: [Item]
            struct Item: Decodable { var role: String; var centre: String?; var intervenant: Personne }
            struct Personne: Decodable { var login: String; var nom: String; var uai: String?; var divisions: [String]? } }
        struct Refus: Decodable { var type: String; var errors: [Erreur]; struct Erreur: Decodable { var field: String; var line: Int? } }
        try await Self.withPlatform { client in
            func upload(_ bytes: [UInt8], as identity: Identity) async throws -> TestResponse {
                try await client.execute(uri: "/api/inscriptions/sessions/\(Self.session)/designations/import", method: .post,
                                         headers: [.authorization: "Bearer \(try await TestKeys.token(identity))", .contentType: "text/csv"],
                                         body: ByteBuffer(bytes: bytes))
            }
            func ours() async throws -> [Liste.Item] {
                let listed = try await Self.request(client, .get, "sessions/\(Self.session)/designations")
                return try JSONDecoder().decode(Liste.self, from: listed.body).items.filter { $0.intervenant.login.hasPrefix(p) }
            }
            let header = "role;epreuve;centre;login;nom;prenom;email;uai;divisions\n"
            let good = header + """
                examinateur;T011B;0251080N;\(p).a;Lefèvre;Éloïse;;0250007x;T1 T2
                examinateur;T011B;0251080N;\(p).b;Roux;Anne;b@ece.test;;
                examinateur;T012B;0250007X;\(p).a;Lefèvre;Éloïse;;;
                coordinateur;T011B;;\(p).c;Étienne;Claude;;0251671F;

                """
            // Refused whole: an unknown role, another académie's centre, an unknown school, a name.
            let bad = good + """
                juge;T011B;0251080N;\(p).d;Roux;Anne;;;
                examinateur;T011B;0750654D;\(p).e;Roux;Anne;;;
                examinateur;T011B;0251080N;\(p).f;Roux;Anne;;0750653C;
                examinateur;T011B;0251080N;\(p).g;R0ux;Anne;;;
                examinateur;T011B;0251080N;\(p).k;Roux;Anne;k\u{2028}@ece.test;;

                """
            let refused = try await upload(Array(bad.utf8), as: Self.besancon)
            #expect(refused.status == .unprocessableContent, "\(String(buffer: refused.body))")
            let refus = try JSONDecoder().decode(Refus.self, from: refused.body)
            #expect(refus.type.hasSuffix("import-refused") && refus.errors.map { "\($0.line ?? 0) \($0.field)" }
                    == ["6 role", "7 ligne", "8 uai", "9 nom", "10 email"], "\(String(buffer: refused.body))")
            #expect(try await ours().isEmpty, "nothing recorded")

            // The same list, Windows-1252: every line recorded, each group asked for once.
            let imported = try await upload(Array(good.data(using: .windowsCP1252)!), as: Self.besancon)
            #expect(imported.status == .ok, "\(String(buffer: imported.body))")
            #expect(String(buffer: imported.body).contains(#""designations":4"#) && String(buffer: imported.body).contains("Windows-1252"))
            let listed = try await ours().sorted { ($0.intervenant.login, $0.centre ?? "") < ($1.intervenant.login, $1.centre ?? "") }
            #expect(listed.map { "\($0.role) \($0.intervenant.login) \($0.intervenant.nom) \($0.intervenant.uai ?? "-")" } == [
                "examinateur \(p).a Lefèvre 0250007X", "examinateur \(p).a Lefèvre 0250007X", "examinateur \(p).b Roux -",
                "coordinateur \(p).c Étienne 0251671F"])
            #expect(listed[0].intervenant.divisions == ["T1", "T2"])
            let expected = ["coordinateur T011B : \(p).c", "examinateur T011B 0251080N: \(p).a \(p).b", "examinateur T012B 0250007X: \(p).a"]
            try await waitUntil { try await exports() == expected }
            #expect(try await upload(Array(good.data(using: .windowsCP1252)!), as: Self.besancon).status == .ok, "again: nothing changes")
            #expect(try await ours().count == 4)

            // A school: its own teachers only, examiners only; the académie's person stays the académie's,
            // and the file's good lines wait with the rest.
            let theirs = header + """
                examinateur;T011B;0251080N;\(p).h;Roux;Anne;;;
                examinateur;T011B;0251080N;\(p).i;Roux;Anne;;0250007X;
                coordinateur;T011B;;\(p).j;Roux;Anne;;;

                """
            let schoolRefused = try await upload(Array(theirs.utf8), as: school)
            #expect(try JSONDecoder().decode(Refus.self, from: schoolRefused.body).errors.map { "\($0.line ?? 0) \($0.field)" }
                    == ["3 ligne", "4 ligne"], "\(String(buffer: schoolRefused.body))")
            let takeover = header + "examinateur;T011B;0251080N;\(p).h;Roux;Anne;;;\nexaminateur;T011B;0251080N;\(p).b;Pirate;Anne;;;\n"
            let conflict = try await upload(Array(takeover.utf8), as: school)
            #expect(conflict.status == .conflict && String(buffer: conflict.body).contains("designated-by-another-authority")
                    && String(buffer: conflict.body).contains(#""line":3"#), "\(String(buffer: conflict.body))")
            #expect(try await ours().map(\.intervenant.nom).sorted() == ["Lefèvre", "Lefèvre", "Roux", "Étienne"], "nothing changed")
            #expect(try await upload(Array((header + "examinateur;T011B;0251080N;\(p).h;Roux;Anne;;;\n").utf8), as: school).status == .ok)
            try await waitUntil { try await exports().contains("examinateur T011B 0251080N: \(p).a \(p).b \(p).h") }
            #expect(try await exports().count == 4, "the académie's file exported each of its groups once, the school's its one")

            // Another school is told the login is taken, not by whom; another académie, not which exams a centre hosts.
            let other = Identity(userId: UUID(), login: "etab2", role: .etablissement, scope: .etablissement("0250007X"))
            let taken = try await upload(Array((header + "examinateur;T011B;0251080N;\(p).h;Roux;Anne;;;\n").utf8), as: other)
            #expect(taken.status == .conflict && String(buffer: taken.body).contains("un autre établissement")
                    && !String(buffer: taken.body).contains("0251080N"), "\(String(buffer: taken.body))")
            let foreign = try await upload(Array((header + "examinateur;T029B;0251080N;\(p).z;Roux;Anne;;;\n").utf8), as: Self.paris)
            #expect(String(buffer: foreign.body).contains(#""field":"ligne""#) && String(buffer: foreign.body).contains("autre académie"),
                    "\(String(buffer: foreign.body))")
        }
        try await recorder.stop()
    }

    /// A group is exported whole, in one event: a file that would take a centre's group past
    /// `GroupeDesignation.maximum` people is refused, and nothing of it is recorded.
    @Test func aGroupNeverGrowsPastWhatOneExportCarries() async throws {
        let centre = try await CorrectionTests.makeCentre()
        let p = "g\(UUID().uuidString.prefix(6).lowercased())"
        try await Self.withPlatform { client in
            func upload(_ count: Int) async throws -> TestResponse {
                let lines = (1...count).map { "examinateur;T011B;\(centre);\(p).\($0);Roux;Anne" }
                return try await client.execute(uri: "/api/inscriptions/sessions/\(Self.session)/designations/import", method: .post,
                                                headers: [.authorization: "Bearer \(try await TestKeys.token(Self.besancon))", .contentType: "text/csv"],
                                                body: ByteBuffer(string: (["role;epreuve;centre;login;nom;prenom"] + lines).joined(separator: "\n")))
            }
            let refused = try await upload(GroupeDesignation.maximum + 1)
            #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains("plus de \(GroupeDesignation.maximum) personnes")
                    && String(buffer: refused.body).contains(#""line":2"#), "the group's first line: \(String(buffer: refused.body))")
            let listed = try await Self.request(client, .get, "sessions/\(Self.session)/designations?epreuve=T011B")
            #expect(!String(buffer: listed.body).contains("\(p)."), "nothing recorded")
            #expect(try await upload(3).status == .ok)
        }
    }

    static func request(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ json: String? = nil,
                        as identity: Identity = besancon) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(try await TestKeys.token(identity))"]
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: "/api/inscriptions/\(path)", method: method, headers: headers,
                                        body: json.map { ByteBuffer(string: $0) })
    }

    /// Sessions, and one candidate at a time: read, correct, register, set a status, unregister.
    @Test func sessionsAndSingleCandidates() async throws {
        let p = "S\(UUID().uuidString.prefix(6))"
        let dsii = Identity(userId: UUID(), login: "dsii", role: .dsii, scope: .national)
        let file = "numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\n\(p)1;Martin;Léa;01/01/2008;scolaire;0251080N;T1;BCG;T011B"
        try await Self.withPlatform { client in
            #expect(try await Self.request(client, .post, "sessions", #"{"annee":2099}"#, as: dsii).status == .created)
            #expect(try await Self.request(client, .post, "sessions", #"{"annee":2099}"#).status == .forbidden)
            #expect(try await Self.request(client, .post, "sessions", #"{"annee":1999}"#, as: dsii).status == .unprocessableContent)
            #expect(String(buffer: try await Self.request(client, .get, "sessions").body).contains(#""annee":2099"#))

            #expect(try await Self.upload(client, file).status == .ok)
            let base = "sessions/\(Self.session)/candidats/\(p)1"
            #expect(try await Self.request(client, .get, base).status == .ok)
            #expect(try await Self.request(client, .get, base, as: Self.paris).status == .notFound, "another académie's")

            let corrected = #"{"nom":"Martin-Dupont","prenoms":"Léa","naissance":"01/01/2008","categorie":"scolaire","uai":"0251080N","division":"T2","filiere":"BCG"}"#
            let updated = try await Self.request(client, .put, base, corrected)
            #expect(updated.status == .ok && String(buffer: updated.body).contains("Martin-Dupont"))
            let invalid = #"{"nom":"M4rtin","prenoms":"Léa","naissance":"31/02/2008","categorie":"scolaire","uai":"0251080N","division":"T2","filiere":"BCG"}"#
            let refused = try await Self.request(client, .put, base, invalid)
            #expect(refused.status == .unprocessableContent)
            let text = String(buffer: refused.body)
            #expect(text.contains(#""field":"nom""#) && text.contains(#""field":"naissance""#), "\(text)")
            #expect(String(buffer: try await Self.request(client, .get, base).body).contains("Martin-Dupont"), "unchanged by the refusal")

            // Register for SVT as exempted; STL is not of this track; results come from Correction only.
            let dispense = try await Self.request(client, .put, base + "/inscriptions/T012B", #"{"statut":"dispense"}"#)
            #expect(dispense.status == .ok && String(buffer: dispense.body).contains("T012B"))
            #expect(try await Self.request(client, .put, base + "/inscriptions/T029B", #"{"statut":"inscrit"}"#).status == .conflict)
            // A status the document does not list (results come from the correction): the generated decoder's 400.
            #expect(try await Self.request(client, .put, base + "/inscriptions/T011B", #"{"statut":"note"}"#).status
                == .badRequest)

            // An assigned registration cannot be removed until it is unassigned.
            let assign = #"{"affectations":[{"numero":"\#(p)1","epreuve":"T011B","centre":"0251080N"}]}"#
            #expect(try await Self.post(client, "affectations", assign, as: Self.besancon).status == .ok)
            #expect(try await Self.request(client, .delete, base + "/inscriptions/T011B").status == .conflict)
            #expect(try await Self.request(client, .delete, "sessions/\(Self.session)/affectations/\(p)1/T011B").status == .noContent)
            #expect(try await Self.request(client, .delete, base + "/inscriptions/T011B").status == .noContent)
            #expect(try await Self.request(client, .delete, base + "/inscriptions/T011B").status == .notFound)
        }
    }
}
