import ECEAPI
import ECEAPIClient
import Foundation
import Hummingbird
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Shared
import Testing
import TestSupport
@testable import Correction
@testable import Gateway
@testable import Inscriptions
@testable import Missions
@testable import Referentiel

/// `/openapi.yaml` stays true: every public route that a service registers is documented, and every
/// documented route exists.
@Suite struct OpenAPITests {
    /// The document, the source of the generated code (its structure is checked by scripts/openapi-check.py).
    static let document = try! String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Services/Gateway/API/openapi.yaml").standardized, encoding: .utf8)

    /// `METHOD /path` of every operation in the document (path parameters as `{}`).
    static func documented() -> Set<String> {
        var operations = Set<String>()
        var path: String?
        var inPaths = false
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { break }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "),
                let method = ["get", "post", "put", "patch", "delete"].first(where: { line == "    \($0):" }) {
                operations.insert("\(method.uppercased()) \(normalized(path))")
            }
        }
        return operations
    }

    static func normalized(_ path: String) -> String {
        path.split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("{") ? "{}" : String($0) }
            .joined(separator: "/").replacingOccurrences(of: "^", with: "/", options: .regularExpression)
    }

    static func routes(_ router: Router<ECERequestContext>) -> Set<String> {
        Set(router.routes.map { "\($0.method.rawValue) \(normalized("/" + $0.path.description.trimmingCharacters(in: ["/"])))" })
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        var registered = Set<String>()
        for (name, port) in [("inscriptions", 8081), ("missions", 8082), ("referentiel", 8083), ("correction", 8084)] {
            let runtime = try await ServiceRuntime(HealthTests.configuration(name, port))
            let router: Router<ECERequestContext> = switch name {
            case "inscriptions": try Inscriptions.buildRouter(runtime)
            case "missions": try Missions.buildRouter(runtime)
            case "referentiel": try Referentiel.buildRouter(runtime)
            default: try Correction.buildRouter(runtime)
            }
            // Only `/api/…` is reachable through the gateway; /health and /metrics are operators'.
            registered.formUnion(Self.routes(router).filter { $0.contains(" /api/") })
        }
        let gateway = try await buildGateway(try await ServiceRuntime(HealthTests.configuration("gateway", 8080)))
        // The gateway's API and operational routes; its web pages are not part of the API.
        registered.formUnion(Self.routes(gateway.router).filter {
            !$0.hasSuffix("/**") && ($0.contains(" /api/") || $0.hasSuffix(" /health") || $0.hasSuffix(" /openapi.yaml"))
        })
        for client in gateway.httpClients { try await client.shutdown() }

        let documented = Self.documented()
        #expect(documented.count > 10, "the document parses: \(documented)")
        #expect(registered.subtracting(documented).isEmpty, "registered but not documented")
        #expect(documented.subtracting(registered).isEmpty, "documented but not registered")
    }

    @Test func documentIsServed() async throws {
        let app = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080))
        try await app.test(.live) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == Self.document, "the file, as it is")
            }
        }
    }

    /// The client generated from the document speaks with the real gateway: a JSON body, a
    /// problem+json refusal, the document itself as a body of its own media type.
    @Test func generatedClientReadsTheGateway() async throws {
        let app = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let api = ECEAPIClient.Client(serverURL: try #require(URL(string: "http://127.0.0.1:\(port)")),
                                          transport: AsyncHTTPClientTransport())
            switch try await api.lireSante() {
            case .ok(let up): #expect(try up.body.json.service == "gateway")
            case .serviceUnavailable(let down): #expect(try down.body.json.service == "gateway")
            case .undocumented(let status, _): Issue.record("undocumented \(status)")
            }
            let refused = try await api.connecter(body: .json(.init(login: "personne", password: "pas-le-bon-mot-de-passe")))
            let problem = try refused.unauthorized.body.applicationProblemJson
            #expect(problem._type.hasSuffix("/problems/unauthorized"), "\(problem)")
            let served = try await api.lireDocumentOpenAPI().ok.body.yaml
            #expect(try await String(collecting: served, upTo: 1 << 20) == Self.document)
        }
    }
}
