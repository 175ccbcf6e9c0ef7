import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import OpenAPIRuntime
import Shared

/// One call to a service's API with a caller's token, its answer read whole: how the pages (through
/// the generated client, `ServiceTransport`) and the accounts' directory checks read the services
/// (`ServiceProxy` streams instead).
struct ServiceCall: Sendable {
    /// Service name → its replicas, as the proxy routes them.
    let upstreams: [String: Upstream]
    let logger: Logger

    struct Reply { var status: HTTPResponse.Status; var headers: HTTPFields = [:]; var body: ByteBuffer }

    func callAsFunction(_ method: HTTPRequest.Method, _ service: String, _ path: String, token: String, json: String? = nil,
                        timeout: TimeAmount = .seconds(60)) async throws -> Reply {
        try await send(method, service, path, token: token, body: json.map { ByteBuffer(string: $0) },
                       headers: json == nil ? [:] : [.contentType: "application/json"], timeout: timeout)
    }

    /// The body is whole in memory, so a read that met a dying replica is sent again to another.
    func send(_ method: HTTPRequest.Method, _ service: String, _ path: String, token: String, body: ByteBuffer?,
              headers: HTTPFields, timeout: TimeAmount = .seconds(60)) async throws -> Reply {
        guard let upstream = upstreams[service] else { throw Problem.notFound() }
        var request = HTTPClientRequest(url: path)
        request.method = .init(rawValue: method.rawValue)
        for field in headers where field.name != .authorization { request.headers.add(name: field.name.canonicalName, value: field.value) }
        request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)")
        if let body { request.body = .bytes(body) }
        do {
            let response = try await upstream.execute(request, path: path, replayable: true, timeout: timeout, logger: logger)
            var fields = HTTPFields()
            for header in response.headers { if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) } }
            return Reply(status: .init(code: Int(response.status.code)), headers: fields,
                         body: try await response.body.collect(upTo: 20_000_000))
        } catch {
            throw ServiceProxy.unavailable(service)
        }
    }

    /// The generated client's way to the services with `token`: each operation goes to the service
    /// its path names (`/api/<service>/…`), on its replicas, like `callAsFunction`.
    func transport(token: String) -> ServiceTransport { ServiceTransport(call: self, token: token) }
}

/// A `ClientTransport` over the gateway's `Upstream`s (the generated client's base URL is unused).
struct ServiceTransport: ClientTransport {
    let call: ServiceCall
    let token: String

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        let path = request.path ?? "/"
        let parts = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/")
        guard parts.count >= 2, parts[0] == "api" else { throw Problem.notFound() }
        var bytes: ByteBuffer?
        if let body { bytes = ByteBuffer(bytes: try await ArraySlice<UInt8>(collecting: body, upTo: 20_000_000)) }
        let reply = try await call.send(request.method, String(parts[1]), path, token: token, body: bytes, headers: request.headerFields)
        return (HTTPResponse(status: reply.status, headerFields: reply.headers),
                request.method == .head ? nil : HTTPBody(Array(reply.body.readableBytesView)))
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

/// A service's answered refusal, told apart from its outage (`ServiceProxy.unavailable`).
struct Refus: Error {
    var problem: Problem

    /// The refusal behind an error of the generated client, if it is one.
    static func of(_ error: any Error) -> Problem? {
        (((error as? ClientError)?.underlyingError ?? error) as? Refus)?.problem
    }
}

extension Problem {
    /// What a page shows for an error of the generated client: a service's refusal, or its outage.
    static func of(_ error: any Error) -> Problem? {
        Refus.of(error) ?? ((error as? ClientError)?.underlyingError ?? error) as? Problem
    }
}
