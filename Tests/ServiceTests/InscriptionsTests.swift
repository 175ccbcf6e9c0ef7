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

    struct Page: Decodable { var total: Int }

    static func withPlatform(_ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let configuration = HealthTests.configuration("inscriptions", 8081)
        try await withServiceDatabase(configuration, migrations: inscriptionsMigrations) { client, schema, logger in
            try await DemoReferenceData.seed(client: client, schema: schema, logger: logger)
        }
        let inscriptions = try await Inscriptions.buildApplication(configuration)
        try await inscriptions.test(.live) { service in
            let gateway = try await Gateway.buildApplication(HealthTests.configuration(
                "gateway", 8080, ["INSCRIPTIONS_URL": "http://127.0.0.1:\(service.port!)"]))
            try await gateway.test(.live) { client in try await test(client) }
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
}
