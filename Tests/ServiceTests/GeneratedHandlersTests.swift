import ECEAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shared
import Testing
import TestSupport
@testable import Correction
@testable import Gateway
@testable import Inscriptions
@testable import Missions
@testable import Referentiel

/// The services on generated handlers (issue 19 item 2: Référentiel, Missions, Inscriptions, Correction, the gateway's own operations): every operation guarded
/// before its body is read, bodies bounded, the runtime's own refusals and the domain's as problems,
/// the headers as the handlers wrote them.
@Suite(.serialized) struct GeneratedHandlersTests {
    static let dsii = Identity(userId: UUID(), login: "dsii.gen", role: .dsii, scope: .national)
    static let gestionnaire = Identity(userId: UUID(), login: "gest.gen", role: .gestionnaire, scope: .academie("03"))
    static let etablissement = Identity(userId: UUID(), login: "etab.gen", role: .etablissement, scope: .etablissement("0251080N"))

    /// The operationIds of `tag` in openapi.yaml.
    static func operations(_ tag: String) -> Set<String> {
        let lines = OpenAPITests.document.split(separator: "\n").map(String.init)
        var found = Set<String>()
        for (i, line) in lines.enumerated() where line.hasPrefix("      operationId: ") && i + 1 < lines.count {
            if lines[i + 1] == "      tags: [\(tag)]" { found.insert(String(line.dropFirst("      operationId: ".count))) }
        }
        return found
    }

    /// `METHOD /path` of the operations tagged `tag`.
    static func documented(_ tag: String) -> Set<String> {
        var routes = Set<String>()
        var path = ""
        var method: String?
        for line in OpenAPITests.document.split(separator: "\n").map(String.init) {
            if line.hasPrefix("  /"), !line.hasPrefix("   ") { path = String(line.dropFirst(2).dropLast()) }
            if let m = ["get", "post", "put", "patch", "delete"].first(where: { line == "    \($0):" }) { method = m }
            if line == "      tags: [\(tag)]", let method { routes.insert("\(method.uppercased()) \(OpenAPITests.normalized(path))") }
        }
        return routes
    }

    /// The operations hand-written-operations.md lists for the services (`METHOD /path`).
    static func listed() throws -> Set<String> {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Services/Gateway/API/hand-written-operations.md").standardized
        let text = try String(contentsOf: file, encoding: .utf8)
        let services = try #require(text.range(of: "## Services")).upperBound
        return Set(text[services...].split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("- `"), let end = line.dropFirst(3).firstIndex(of: "`") else { return nil }
            let route = line[line.index(line.startIndex, offsetBy: 3)..<end].split(separator: " ")
            return route.count == 2 ? "\(route[0]) \(OpenAPITests.normalized(String(route[1])))" : nil
        })
    }

    @Test func everyOperationHasAGuard() throws {
        #expect(Set(ReferentielAPI.gardes.keys) == Self.operations("referentiel"))
        #expect(Set(MissionsAPI.gardes.keys) == Self.operations("missions"))
        #expect(Set(InscriptionsAPI.gardes.keys) == Self.operations("inscriptions"))
        // The editor's hot path is hand-written (Editeur.swift), listed with its reason, guarded by its own `Garde`.
        #expect(Set(CorrectionAPI.gardes.keys) == Self.operations("correction").subtracting(["lireFiche", "enregistrerFiche", "tirerSujet"]))
        #expect(try Self.listed().isSuperset(of: ["GET /api/correction/fiches/{}", "PUT /api/correction/fiches/{}",
                                                  "POST /api/correction/fiches/{}/tirage"]))
        #expect(Self.operations("referentiel").count == 15 && Self.operations("missions").count == 17
            && Self.operations("inscriptions").count == 31 && Self.operations("correction").count == 54)
        // The gateway's two others are hand-written: /health (every service's) and /openapi.yaml (the file).
        #expect(Set(GatewayAPI.gardes.keys) == Self.operations("gateway").subtracting(["lireSante", "lireDocumentOpenAPI"]))
        #expect(GatewayAPI.gardes.count == 12)
    }

    /// The roles the document lists are the platform's: a role mapped to a generated enum never falls off it.
    @Test func theDocumentsRolesAreThePlatforms() {
        #expect(Set(ECEAPI.Components.Schemas.Role.allCases.map(\.rawValue)) == Set(Role.allCases.map(\.rawValue)))
    }

    /// The lot list's summaries are mapped field by field (its cost, BENCHMARKS.md session 12): the same
    /// generated values as through `Pont.vue`'s JSON, every status and optional field, and a status the
    /// document does not know is off the contract as there.
    @Test func aLotMappedFieldByFieldIsTheOneThroughJSON() throws {
        typealias Resume = CommissionRepository.FicheResume
        let statuts = ["a_noter", "brouillon", "notee", "absent"]
        let fiches = statuts.enumerated().map { i, statut in
            i.isMultiple(of: 2)
                ? Resume(id: UUID(), candidatId: UUID(), numero: "0\(i)", nom: "Nom \(i)", prenoms: "Élise", division: nil,
                         uaiOrigine: nil, groupeId: nil, creneauId: nil, statut: statut, noteFinale: nil, version: 1)
                : Resume(id: UUID(), candidatId: UUID(), numero: "0\(i)", nom: "Nom \(i)", prenoms: "Zoé", division: "T2",
                         uaiOrigine: "0251234A", groupeId: UUID(), creneauId: UUID(), statut: statut, noteFinale: 31, version: 4)
        }
        let lot = FicheRepository.MonLot(groupeId: UUID(), nom: "Groupe 1", session: 2027, epreuve: "T011B", centre: "0250001A",
                                         verrouille: true, fiches: fiches)
        let direct = try Correspondance.vue(lot)
        #expect(direct == (try Pont.vue(lot, comme: type(of: direct))))
        #expect(direct.fiches.compactMap(\.statut).map(\.rawValue) == statuts)

        var inconnu = fiches[0]
        inconnu.statut = "perdue"
        #expect(throws: Pont.HorsContrat.self) { try Correspondance.vue(inconnu) }
    }

    @Test func everyRouteIsGeneratedOrListed() async throws {
        let listed = try Self.listed()
        for (name, port) in [("referentiel", 8083), ("missions", 8082), ("inscriptions", 8081), ("correction", 8084)] {
            let runtime = try await ServiceRuntime(HealthTests.configuration(name, port))
            let router = switch name {
            case "referentiel": try Referentiel.buildRouter(runtime)
            case "missions": try Missions.buildRouter(runtime)
            case "correction": try Correction.buildRouter(runtime)
            default: try Inscriptions.buildRouter(runtime)
            }
            let registered = OpenAPITests.routes(router).filter { $0.contains(" /api/") }
            let generated = Self.documented(name)
            #expect(generated.isSubset(of: registered), "\(name): generated but not registered: \(generated.subtracting(registered))")
            #expect(registered.subtracting(generated).isSubset(of: listed),
                    "\(name): neither generated nor listed: \(registered.subtracting(generated).subtracting(listed))")
        }
        // The gateway's own routes (the rest of /api/ is the proxy to the services).
        let runtime = try await ServiceRuntime(HealthTests.configuration("gateway", 8080))
        let gateway = try await Gateway.buildGateway(runtime)
        let own = OpenAPITests.routes(gateway.router).filter { $0.contains(" /api/auth") || $0.contains(" /api/comptes") }
        for client in gateway.httpClients { try await client.shutdown() }
        let generated = Self.documented("gateway").filter { $0.contains(" /api/") }
        #expect(own == generated, "gateway: registered \(own.subtracting(generated)), generated \(generated.subtracting(own))")
        #expect(own.count == 12)
    }

    /// A caller without a token, or of a role the operation does not take, is refused on the request's
    /// head: the body (announced large, never sent) is not waited for, let alone held in memory.
    @Test func refusedBeforeTheBodyIsRead() async throws {
        let gestionnaire = try await TestKeys.token(Self.gestionnaire)
        let etablissement = try await TestKeys.token(Self.etablissement)
        for (service, target, other) in [("referentiel", "POST /api/referentiel/sujets", gestionnaire),
                                         ("missions", "POST /api/missions/sessions/2099/reglementation", etablissement),
                                         ("inscriptions", "POST /api/inscriptions/sessions/2099/import", etablissement),
                                         ("correction", "PUT /api/correction/fiches/\(UUID())", etablissement)] {
            try await Self.withService(service) { port in
                for (auth, status) in [("", "401"), ("Authorization: Bearer \(other)\r\n", "403")] {
                    for framing in ["Content-Length: 50000000", "Transfer-Encoding: chunked"] {
                        let started = ContinuousClock.now
                        let head = "\(target) HTTP/1.1\r\nHost: x\r\n\(auth)\(framing)\r\nContent-Type: application/json\r\n\r\n"
                        let answer = await Task.detached { rawHTTP(port: port, Array(head.utf8), timeout: 10) }.value
                        #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(service) \(status) \(framing): \(answer.prefix(200))")
                        #expect(answer.contains("application/problem+json"))
                        #expect(ContinuousClock.now - started < .seconds(5))
                    }
                }
            }
        }
    }

    /// The gateway's sign-in is open to callers without a token, and bounded: a wrong password is the
    /// sign-in's 401, not a missing token's; a body over 16 KB is refused on its declared length, never read.
    @Test func theSignInIsAnonymousAndBounded() async throws {
        try await Self.withService("gateway") { port in
            let login = #"{"login":"personne.\#(UUID())","password":"pas le bon"}"#
            let wrong = "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(login.utf8.count)\r\n"
                + "Connection: close\r\n\r\n" + login
            let refused = await Task.detached { rawHTTP(port: port, Array(wrong.utf8), timeout: 10) }.value
            #expect(refused.hasPrefix("HTTP/1.1 401") && refused.contains("identifiants invalides"), "\(refused.prefix(300))")
            let large = "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n"
            let started = ContinuousClock.now
            let tooLarge = await Task.detached { rawHTTP(port: port, Array(large.utf8), timeout: 10) }.value
            #expect(tooLarge.hasPrefix("HTTP/1.1 413") && tooLarge.contains("too-large"), "\(tooLarge.prefix(300))")
            #expect(ContinuousClock.now - started < .seconds(5))
            // Without a token, the accounts are not listed.
            let anonymous = await Task.detached {
                rawHTTP(port: port, Array("GET /api/comptes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8), timeout: 10)
            }.value
            #expect(anonymous.hasPrefix("HTTP/1.1 401"), "\(anonymous.prefix(300))")
        }
    }

    /// A body over the operation's limit: 413 on its declared length alone, and while a chunked one streams.
    @Test func bodiesAreBounded() async throws {
        let dsii = try await TestKeys.token(Self.dsii)
        try await Self.withService("referentiel") { port in
            let target = "POST /api/referentiel/sujets/\(UUID())/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(dsii)\r\n"
                + "Content-Type: application/json\r\n"
            let declared = target + "Content-Length: 100000\r\n\r\n"
            let started = ContinuousClock.now
            let answer = await Task.detached { rawHTTP(port: port, Array(declared.utf8), timeout: 10) }.value
            #expect(answer.hasPrefix("HTTP/1.1 413") && answer.contains("too-large"), "\(answer.prefix(200))")
            #expect(ContinuousClock.now - started < .seconds(5))
            // 600-byte chunks: the limit (4096) is passed on the seventh, then refused.
            var chunked = target + "Transfer-Encoding: chunked\r\n\r\n"
            for _ in 0..<10 { chunked += "258\r\n" + String(repeating: " ", count: 600) + "\r\n" }
            chunked += "0\r\n\r\n"
            let streamed = await Task.detached { [chunked] in rawHTTP(port: port, Array(chunked.utf8), timeout: 10) }.value
            #expect(streamed.hasPrefix("HTTP/1.1 413") && streamed.contains("too-large"), "\(streamed.prefix(300))")
        }
    }

    /// What the runtime refuses itself (a parameter it cannot decode, a media type the operation does not
    /// take) and what the domain refuses to decode (a barème's free-form `valeurs`) are the caller's 4xx,
    /// as problems; a malformed body from a caller without the role is 403, never read.
    @Test func refusalsAreProblems() async throws {
        let dsii = try await TestKeys.token(Self.dsii)
        let gestionnaire = try await TestKeys.token(Self.gestionnaire)
        let app = try await Referentiel.buildApplication(HealthTests.configuration("referentiel", 8083))
        try await app.test(.live) { client in
            func call(_ method: HTTPRequest.Method, _ uri: String, _ body: String?, token: String,
                      type: String = "application/json") async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer \(token)", .contentType: type],
                                         body: body.map { ByteBuffer(string: $0) })
            }
            func expectProblem(_ response: TestResponse, _ status: HTTPResponse.Status, _ type: String, _ what: String) {
                #expect(response.status == status, "\(what): \(String(buffer: response.body))")
                #expect(response.headers[.contentType] == "application/problem+json", "\(what)")
                let problem = try? JSONDecoder().decode(Problem.self, from: response.body)
                #expect(problem?.type.hasSuffix("/problems/\(type)") == true, "\(what): \(String(buffer: response.body))")
            }
            expectProblem(try await call(.get, "/api/referentiel/sujets?session=abc", nil, token: dsii), .badRequest, "bad-request",
                          "a query parameter that is no integer")
            expectProblem(try await call(.post, "/api/referentiel/sujets", #"{"epreuve":"T010B"}"#, token: dsii, type: "text/plain"),
                          .unsupportedMediaType, "http-415", "a media type the operation does not take")
            expectProblem(try await call(.post, "/api/referentiel/sujets", #"{"epreuve":"T010B"}"#, token: dsii), .badRequest, "bad-request",
                          "a body without its required fields")
            let bareme = #"{"criteres":[{"code":"C1","libelle":"Critère","poids":20,"echelle":{"type":"niveaux","valeurs":{"A":"pas une fraction"}}}]}"#
            expectProblem(try await call(.post, "/api/referentiel/baremes/verification", bareme, token: dsii), .badRequest, "bad-request",
                          "a barème whose values are no fractions, checked")
            expectProblem(try await call(.put, "/api/referentiel/sujets/\(UUID())/bareme", bareme, token: dsii), .badRequest, "bad-request",
                          "a barème whose values are no fractions, saved")
            expectProblem(try await call(.put, "/api/referentiel/sujets/\(UUID())/bareme", "{pas du json", token: gestionnaire), .forbidden,
                          "forbidden", "a malformed body from a caller without the role")
            expectProblem(try await call(.get, "/api/referentiel/sujets/pas-un-uuid", nil, token: dsii), .notFound, "not-found",
                          "a subject id that is none")
        }
    }

    /// The editor's hand-written hot path refuses as the generated operations do: the role before the body,
    /// the media type, the body's size and shape, a sheet that is none or not the caller's: problems all.
    @Test func theEditorsHotPathRefusesAsTheGeneratedOperations() async throws {
        let examinateur = try await TestKeys.token(Identity(userId: UUID(), login: "exam.gen", role: .examinateur, scope: .academie("03")))
        let etablissement = try await TestKeys.token(Self.etablissement)
        let app = try await Correction.buildApplication(HealthTests.configuration("correction", 8084))
        try await app.test(.live) { client in
            func expectProblem(_ method: HTTPRequest.Method, _ uri: String, _ body: String?, token: String?, type: String = "application/json",
                               _ status: HTTPResponse.Status, _ problem: String, _ what: String) async throws {
                var headers: HTTPFields = [.contentType: type]
                if let token { headers[.authorization] = "Bearer \(token)" }
                let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                #expect(response.status == status, "\(what): \(String(buffer: response.body))")
                #expect(response.headers[.contentType] == "application/problem+json", "\(what)")
                let decoded = try? JSONDecoder().decode(Problem.self, from: response.body)
                #expect(decoded?.type.hasSuffix("/problems/\(problem)") == true, "\(what): \(String(buffer: response.body))")
            }
            let fiche = "/api/correction/fiches/\(UUID())"
            let save = #"{"version":1,"finaliser":false}"#
            try await expectProblem(.put, fiche, save, token: nil, .unauthorized, "unauthorized", "a save without a token")
            try await expectProblem(.get, fiche, nil, token: nil, .unauthorized, "unauthorized", "a read without a token")
            try await expectProblem(.put, fiche, "{pas du json", token: etablissement, .forbidden, "forbidden", "a malformed save from a school")
            try await expectProblem(.post, fiche + "/tirage", #"{"version":1}"#, token: etablissement, .forbidden, "forbidden", "a draw from a school")
            try await expectProblem(.get, fiche, nil, token: etablissement, .forbidden, "forbidden", "a read from a school")
            try await expectProblem(.put, fiche, save, token: examinateur, type: "text/plain", .unsupportedMediaType, "http-415",
                                    "a save that is not JSON")
            try await expectProblem(.put, fiche, "{pas du json", token: examinateur, .badRequest, "bad-request", "a malformed save")
            try await expectProblem(.put, fiche, #"{"version":"un"}"#, token: examinateur, .badRequest, "bad-request", "a save of the wrong shape")
            try await expectProblem(.post, fiche + "/tirage", "{}", token: examinateur, .badRequest, "bad-request", "a draw without its version")
            try await expectProblem(.put, fiche, #"{"version":1,"motifAjustement":""# + String(repeating: "x", count: 3 << 20) + #""}"#,
                                    token: examinateur, .contentTooLarge, "too-large", "a save over 2 MB")
            // Chunked, no length declared: refused while it streams, past the save's 2 MB.
            let port = try #require(client.port)
            let chunk = String(repeating: " ", count: 1 << 16)
            let head = "PUT \(fiche) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(examinateur)\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
            // 33 chunks of 64 KiB: just past the limit, the rest within the socket buffers (the write never waits on the server).
            let chunked = head + String(repeating: "10000\r\n\(chunk)\r\n", count: 33) + "0\r\n\r\n"
            let streamed = await Task.detached { rawHTTP(port: port, Array(chunked.utf8), timeout: 20) }.value
            #expect(streamed.hasPrefix("HTTP/1.1 413") && streamed.contains("too-large"), "\(streamed.prefix(300))")
            try await expectProblem(.put, fiche, save, token: examinateur, .notFound, "not-found", "a save on a sheet that does not exist")
            try await expectProblem(.post, fiche + "/tirage", #"{"version":1}"#, token: examinateur, .notFound, "not-found",
                                    "a draw on a sheet that does not exist")
            try await expectProblem(.get, fiche, nil, token: examinateur, .notFound, "not-found", "a read of a sheet that does not exist")
            try await expectProblem(.get, "/api/correction/fiches/pas-un-uuid", nil, token: examinateur, .notFound, "not-found",
                                    "a sheet id that is none")
        }
    }

    /// The runtime percent-encodes the header values it is given: a file name with spaces and accents
    /// is given back as the handler wrote it, and so is the new subject's `Location`.
    @Test func headersAreWrittenAsTheHandlersSetThem() async throws {
        let h: HTTPFields = [.authorization: "Bearer \(try await TestKeys.token(Self.dsii))", .contentType: "application/json"]
        let app = try await Referentiel.buildApplication(HealthTests.configuration("referentiel", 8083))
        try await app.test(.live) { client in
            let code = ReferentielTests.code("GEN")
            let created = try await client.execute(uri: "/api/referentiel/sujets", method: .post, headers: h, body: ByteBuffer(string:
                #"{"epreuve":"T010B","session":2099,"code":"\#(code)","titre":"En-têtes","materiel":["paillasse"]}"#))
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let id = try JSONDecoder().decode(ReferentielTests.Created.self, from: created.body).id
            #expect(created.headers[.location] == "/api/referentiel/sujets/\(id.uuidString.lowercased())")
            let nom = "Sujet d'été n°1 (version finale).pdf"
            let query = try #require(nom.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let upload = try await client.execute(uri: "/api/referentiel/sujets/\(id)/documents/sujet?nom=\(query)", method: .put,
                                                  headers: h, body: ByteBuffer(bytes: DemoPDF.make("En-têtes")))
            #expect(upload.status == .ok, "\(String(buffer: upload.body))")
            #expect(String(buffer: upload.body).contains("\"nom\":\"Sujet d'été n°1 (version finale).pdf\""), "\(String(buffer: upload.body))")
            let download = try await client.execute(uri: "/api/referentiel/sujets/\(id)/documents/sujet", method: .get, headers: h)
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(download.headers[.contentDisposition] == "inline; filename=\"Sujet d'ete n1 (version finale).pdf\"")
            #expect(Array(download.body.readableBytesView.prefix(5)) == Array("%PDF-".utf8))
        }
    }

    /// A write is answered whatever the caller's `Accept` says (as the hand-written handlers did),
    /// never committed then refused 406 by the generated serializer.
    @Test func aWriteIsAnsweredWhateverTheAcceptHeader() async throws {
        let token = try await TestKeys.token(Self.dsii)
        let app = try await Referentiel.buildApplication(HealthTests.configuration("referentiel", 8083))
        try await app.test(.live) { client in
            let created = try await client.execute(
                uri: "/api/referentiel/sujets", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json", .accept: "text/plain"],
                body: ByteBuffer(string:
                    #"{"epreuve":"T010B","session":2099,"code":"\#(ReferentielTests.code("ACC"))","titre":"Accept","materiel":["paillasse"]}"#))
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let id = try JSONDecoder().decode(ReferentielTests.Created.self, from: created.body).id
            let read = try await client.execute(uri: "/api/referentiel/sujets/\(id)", method: .get,
                                                headers: [.authorization: "Bearer \(token)", .accept: "application/xml"])
            #expect(read.status == .ok, "\(String(buffer: read.body))")
        }
    }

    static func withService(_ name: String, _ body: @Sendable @escaping (Int) async throws -> Void) async throws {
        if name == "referentiel" {
            try await Referentiel.buildApplication(HealthTests.configuration(name, 8083)).test(.live) { try await body($0.port!) }
        } else if name == "inscriptions" {
            try await Inscriptions.buildApplication(HealthTests.configuration(name, 8081)).test(.live) { try await body($0.port!) }
        } else if name == "correction" {
            try await Correction.buildApplication(HealthTests.configuration(name, 8084)).test(.live) { try await body($0.port!) }
        } else if name == "gateway" {
            try await Gateway.buildApplication(HealthTests.configuration(name, 8080, ["LOGIN_FAILURE_DELAY_MS": "1"]))
                .test(.live) { try await body($0.port!) }
        } else {
            try await Missions.buildApplication(HealthTests.configuration(name, 8082)).test(.live) { try await body($0.port!) }
        }
    }
}
