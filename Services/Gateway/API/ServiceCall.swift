import AsyncHTTPClient
import ECEAPIClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import OpenAPIRuntime
import Shared

/// The services' API with a caller's token, through the generated client: how the pages and the
/// accounts' directory checks read the services (`ServiceProxy` streams instead).
struct ServiceCall: Sendable {
    /// Service name → its replicas, as the proxy routes them.
    let upstreams: [String: Upstream]
    let logger: Logger

    /// The generated client, reaching each service's replicas with `token`; a refusal is thrown as
    /// the service's `Problem` (`RefusMiddleware`).
    func client(token: String, timeout: TimeAmount = .seconds(60)) -> Client {
        Client(serverURL: Self.servicesURL, transport: ServiceTransport(call: self, token: token, timeout: timeout),
               middlewares: [RefusMiddleware()])
    }

    /// Unused: `ServiceTransport` routes each operation by its path.
    static let servicesURL = URL(string: "http://services.invalid")!
}

/// A `ClientTransport` over the gateway's `Upstream`s: each operation goes to the service its path
/// names (`/api/<service>/…`), on its replicas. Both bodies are whole in memory, so a read that met
/// a dying replica is sent again to another, and one dying mid-answer is an outage.
struct ServiceTransport: ClientTransport {
    let call: ServiceCall
    let token: String
    let timeout: TimeAmount

    static let limite = 20_000_000

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        let path = request.path ?? "/"
        let parts = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/")
        guard parts.count >= 2, parts[0] == "api", let upstream = call.upstreams[String(parts[1])] else { throw Problem.notFound() }
        var outgoing = HTTPClientRequest(url: path)
        outgoing.method = .init(rawValue: request.method.rawValue)
        for field in request.headerFields where field.name != .authorization {
            outgoing.headers.add(name: field.name.canonicalName, value: field.value)
        }
        outgoing.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)")
        if let body { outgoing.body = .bytes(try await ArraySlice<UInt8>(collecting: body, upTo: Self.limite)) }
        do {
            let response = try await upstream.execute(outgoing, path: path, replayable: true, timeout: timeout, logger: call.logger)
            var fields = HTTPFields()
            for header in response.headers { if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) } }
            // The answer copied once, from the connection's buffers into the bytes the client decodes.
            var bytes: [UInt8] = []
            for try await chunk in response.body {
                guard bytes.count + chunk.readableBytes <= Self.limite else { throw Upstream.Unavailable() }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
            return (HTTPResponse(status: .init(code: Int(response.status.code)), headerFields: fields),
                    request.method == .head ? nil : HTTPBody(bytes))
        } catch {
            throw ServiceProxy.unavailable(String(parts[1]))
        }
    }
}

/// A service's refusal (4xx or 5xx, `application/problem+json`) thrown as the `Problem` it sent
/// (`Refus`), whatever the operation documents: the pages handle every refusal in one place.
struct RefusMiddleware: ClientMiddleware {
    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, body) = try await next(request, body, baseURL)
        guard response.status.code >= 400 else { return (response, body) }
        var bytes = Data()
        if let body { bytes = try await Data(collecting: body, upTo: 1_000_000) }
        throw Refus(problem: (try? JSONDecoder().decode(Problem.self, from: bytes))
            ?? Problem(response.status, type: "upstream", title: "Erreur / Error"))
    }
}

/// A service's answered refusal (or a page's own, before the call: `WebController.choix`), told
/// apart from its outage (`ServiceProxy.unavailable`).
struct Refus: Error {
    var problem: Problem
}

extension Problem {
    /// The problem behind an error of the generated client: a service's refusal (`refus`), or its
    /// outage; nil for any other error.
    static func of(_ error: any Error) -> (probleme: Problem, refus: Bool)? {
        let cause = (error as? ClientError)?.underlyingError ?? error
        if let refus = cause as? Refus { return (refus.problem, true) }
        return (cause as? Problem).map { ($0, false) }
    }
}
